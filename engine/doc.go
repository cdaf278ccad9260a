// Package engine is Flowbench's domain: workflows and their immutable versions, the graph and
// its validation, the node registry, runs and their queue, the executor, generations and the
// planner of a run from a block. It is pure Go: no Wails, no SQL. The stores it needs are
// interfaces (store.go) that package storage implements on SQLite and engine/memstore in
// memory; the node library lives in engine/nodes and registers itself into a Registry.
//
// Service (service.go) is the one API both edges use: the window's bound App methods and the
// command line's subcommands each check their arguments, make one Service call and shape the
// answer. Package home assembles a Service over a data home.
//
// The files, by use case:
//
//   - Workflows, versions and the editor's draft: workflows.go, drafts.go (OpenForEditing,
//     CommitDraft, SwitchVersion), fileformat.go and openfile.go (import, export), diff.go,
//     diffgraphs.go and restore.go (compare and restore), makesubflow.go, subflowbundle.go.
//   - The graph: types.go, registry.go (node types and params), validate.go, inputs.go and
//     values.go (typed inputs and numbers), template.go, graphfacts.go.
//   - Starting runs: runstart.go (StartRun, RunDraft, StartBatch: resolve once, validate
//     once, check every run before writing, then queue), runservice.go (prepare, enqueue,
//     the run's begin and end records), labels.go.
//   - The run queue and its lifecycle: queue.go (RunQueue: queued, running, paused,
//     finished; the run cap), slots.go and queuecontrol.go (one queue per data home across
//     processes), recover.go and orphans.go (runs of processes that are gone),
//     approvals.go (a paused run resumed).
//   - Executing a run: executor.go and runnode.go (one scheduler and node path for
//     top-level nodes, loop bodies and subworkflows: loops.go, subflow.go), nodeinput.go
//     (what a node's Run function gets), committer.go (generations committed before their
//     events), shared.go and sharedclaims.go (work shared between concurrent runs, in
//     this process and across the processes of a data home), cache.go (a completed
//     generation of any workflow reused by input fingerprint), providers.go,
//     providerservice.go and keychain.go (AI servers and their keys).
//   - Generations and run from block: generations.go, current.go (which generation is
//     current), currentcache.go, plan.go, planner.go (BuildPlan, a pure function),
//     planservice.go, config.go, fingerprint.go and hashing.go (what a node would do).
//   - Events to the window: events.go (Bus: every event, in order, to every subscriber),
//     live.go (live state keyed workflow:run:node), follow.go and watch.go (other
//     processes' generations, linked files).
//   - Around them: errors.go (sentinel errors, ValidationError), files.go and importfile.go
//     (files a person named, media into the asset store), inputreads.go, assetrefs.go,
//     settings.go and limits.go (the data home's settings), versioncache.go, util.go.
//
// A run's data flows one way: an edge calls StartRun, RunDraft or StartBatch; the runs are
// written queued and handed to the RunQueue; when a slot frees, the executor runs the nodes
// concurrently, the committer stores each generation and only then emits its event on the
// Bus; the run's end is recorded and announced. docs/ARCHITECTURE.md follows it file by file.
package engine
