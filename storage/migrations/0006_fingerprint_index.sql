-- The cache across workflows and versions (SPEC §14): a completed generation is found by the
-- fingerprint of the inputs it saw, in any workflow of the data home.
CREATE INDEX generations_fingerprint ON generations (input_fingerprint, status);
