package sim

import "sync"

// buffers are the large slices of a replicate: the records and lanes of
// open files and the slots of persons away. A run takes them from a pool
// and gives them back when it ends, so that the replicates of a study, a
// calibration or a pattern reuse them instead of having the runtime clear
// (and the kernel fault in) some 40 MB of fresh memory for each one. Only
// their capacity carries over: a run starts them empty and writes every
// element it reads, so results do not depend on which buffers it got.
type buffers struct {
	files []file
	lanes []lane
	away  []awaySlot
}

var bufferPool sync.Pool // of *buffers

// getBuffers returns empty buffers with at least the capacities asked
// for.
func getBuffers(files, lanes, away int) *buffers {
	b, _ := bufferPool.Get().(*buffers)
	if b == nil {
		b = &buffers{}
	}
	if cap(b.files) < files {
		b.files = make([]file, 0, files)
	}
	if cap(b.lanes) < lanes {
		b.lanes = make([]lane, 0, lanes)
	}
	if cap(b.away) < away {
		b.away = make([]awaySlot, 0, away)
	}
	b.files, b.lanes, b.away = b.files[:0], b.lanes[:0], b.away[:0]
	return b
}

// put gives e's slices, grown or not, back to the pool; e must not use
// them after.
func (b *buffers) put(e *engine) {
	b.files, b.lanes, b.away = e.files[:0], e.lanes[:0], e.away[:0]
	e.files, e.lanes, e.away = nil, nil, nil
	bufferPool.Put(b)
}
