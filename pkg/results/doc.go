// Package results is the one results table every experiment of the project
// writes to: a CSV file with a header line and one row per finished unit of
// work (a run, a training point, a curve sample), and beside it a JSON file
// (same name, extension .json) that records what the rows depend on besides
// their own columns — the experiment's settings, the compute backend and the
// shard of the work.
//
// A table gives every experiment the same guarantees:
//
//   - Lock before writing. Open takes an exclusive lock on the CSV file
//     before it reads or writes anything, and holds it until Close, so two
//     runs never write one table (the second is refused at once).
//   - No mixed settings. Resuming a table whose JSON records other settings,
//     another backend, other columns or another shard is refused with an
//     error that names what differs.
//   - Nothing written is lost. Rows are appended with one write followed by
//     fsync; a run killed at any moment leaves complete rows and at most one
//     torn last line, which the next Open cuts away (that unit is redone).
//   - Resume. Open returns the rows already there; the runner skips their
//     units of work.
//
// Rows are Go structs whose fields carry `csv:"column"` tags (int, uint64,
// float64, string and bool fields, and embedded structs); the columns
// follow the field order. Floats are written with the fewest digits that
// read back to the same value.
//
// Shard splits a sweep over machines: shard i of n does the units whose
// index is i mod n, into its own table, and Merge checks that the shards'
// settings agree and joins them.
package results
