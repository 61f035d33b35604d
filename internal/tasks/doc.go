// Package tasks runs numbered tasks on parallel workers, journals what
// they produce so an interrupted run can resume, and owns the result folder
// the run writes. It knows nothing of the model: a task is an index, a
// record is bytes. Both `returnsim run` (task = scenario x replicate) and
// `returnsim sweep` (task = parameter point x replicate) are built on it.
//
// Ordered is the one ordered-parallel runner of the module: Run adds a
// journal and shards to it, and calibrate runs its replicates with it.
// Batches journals a run whose tasks come in batches decided one after
// another (a calibration's evaluations), and OpenShardBatches spreads
// each batch over shards that read each other's journals.
//
// What Run promises:
//   - Each task index that the Shard owns is done once, by one of
//     Options.Workers goroutines, unless its record was restored from the
//     journal of an earlier, interrupted run with the same fingerprint.
//   - emit is called on the caller's goroutine, in strictly increasing
//     index order, once for every owned task, restored ones included,
//     whatever order the workers finish in. So output written by emit is
//     the same bytes whatever the number of workers.
//   - Memory is bounded: at most 2 x Workers computed records wait for
//     emission; restored records are read back from the journal one at a
//     time when their turn comes.
//   - With Options.Dir set, every completed record is appended to the
//     journal (Dir/.journal) before it can be emitted, as a length-prefixed,
//     CRC-32C-checksummed frame, written at once (a killed process loses
//     no frame it wrote) and fsynced at most every 100 ms and at the end
//     (a crash of the machine may lose the last 100 ms of frames, which a
//     resume recomputes). The journal starts with a
//     header holding the run's fingerprint, the number of tasks and the
//     shard; a resume whose fingerprint, task count or shard differ is
//     refused with a one-line reason. A torn or corrupt tail (a process
//     killed mid-write) is ignored and truncated away on resume.
//   - On cancellation of ctx, Run returns ctx.Err() without waiting for
//     tasks in flight: their results are dropped, and nothing is written to
//     the journal nor emitted after Run returns. do receives a context that
//     is cancelled then, and should return soon.
//   - The first error of do or emit stops the run and is returned as it is.
//
// What a Set promises (NewSet, Create, Commit, Abort): nothing
// half-written. Files are written to hidden temporary files and renamed
// into place by Commit only when all are complete; Abort, or a failed
// Commit before its renames, removes the temporary files and leaves the
// folder as it was. Sums gives the SHA-256 of each file written so far.
//
// What a Folder promises (Open, Create, Commit, Abort), a Set that one run
// holds:
//   - One run at a time: Open takes an exclusive flock on Dir/.lock and
//     refuses, in one line, a folder another process holds.
//   - A folder belongs to one run: Open refuses a folder whose last
//     committed run was of another kind or had another fingerprint, or that
//     holds files no run recorded, unless force is set. The owner record is
//     Dir/.owner.json.
//   - Leftovers of a killed run (hidden ".*.tmp" files) are removed by Open.
//   - Nothing half-written: files are written to hidden temporary files and
//     renamed into place by Commit only when all are complete. Commit then
//     removes every file of the earlier run (as its owner record lists
//     them) that the new run did not write, and the journal (unless
//     KeepJournal is set: a finished sweep keeps it, so that running it
//     again restores every task). With force on
//     a folder of files no run recorded, those the new run writes are
//     replaced and the others left: they may not be a run's. Abort (or a failed Commit before its renames)
//     removes the temporary files and leaves the folder as it was, journal
//     excepted: an interrupted run keeps its journal so that it can resume.
//   - Sums gives the SHA-256 of each file written so far, for a manifest.
//
// tasks does no logging, reads no flags and imports nothing from this
// module. Only a Folder's lock needs flock (lock_unix.go): elsewhere (js/wasm)
// Open fails and the rest builds, so that a package built for the browser
// may import tasks.
package tasks
