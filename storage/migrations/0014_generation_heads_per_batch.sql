-- A node's head (0013) moves once per batch of generations, in one statement over the rows the
-- batch wrote (storage/genheads.go), instead of in a trigger run for every row: the trigger's
-- program cost about a microsecond a generation, a tenth of what writing one costs.
DROP TRIGGER generations_head;
