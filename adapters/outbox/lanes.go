package outbox

import "time"

// lanes holds the entries a worker has read and not settled: a queue per
// recipient, of which at most one entry is in flight, and the line of
// recipients whose turn it is. A recipient goes to the back of the line
// after each send, so a long backlog takes turns with everyone else's
// entries instead of going first. It is used by one goroutine.
type lanes struct {
	queued map[string][]Delivery // by recipient, in the order read
	busy   map[string]bool       // recipients with an entry in flight
	line   []string              // recipients with an entry waiting and none in flight
	held   map[heldKey]Delivery  // every entry read and not settled or dropped
}

type heldKey struct {
	shard int
	id    string
}

func keyOf(d Delivery) heldKey { return heldKey{d.Shard, d.StreamID} }

func newLanes() *lanes {
	return &lanes{queued: map[string][]Delivery{}, busy: map[string]bool{}, held: map[heldKey]Delivery{}}
}

// add queues d behind its recipient's other entries. An entry already held
// (read again by a Reclaim of this worker) is not queued twice.
func (l *lanes) add(d Delivery) {
	if _, ok := l.held[keyOf(d)]; ok {
		return
	}
	l.held[keyOf(d)] = d
	to := d.Out.To
	if len(l.queued[to]) == 0 && !l.busy[to] {
		l.line = append(l.line, to)
	}
	l.queued[to] = append(l.queued[to], d)
}

// next takes the first entry of the recipient whose turn it is, and marks
// the recipient busy until settled is called for it.
func (l *lanes) next() (Delivery, bool) {
	for len(l.line) > 0 {
		to := l.line[0]
		l.line = l.line[1:]
		q := l.queued[to]
		for len(q) > 0 && !l.holds(q[0]) {
			q = q[1:] // dropped
		}
		if len(q) == 0 {
			delete(l.queued, to)
			continue
		}
		d := q[0]
		if len(q) == 1 {
			delete(l.queued, to)
		} else {
			l.queued[to] = q[1:]
		}
		l.busy[to] = true
		return d, true
	}
	return Delivery{}, false
}

// nextRead is when the entry next would hand out was read, if any waits.
// It looks at the recipient whose turn it is, whose first entry is about
// the oldest held: recipients join the line in the order their entries
// were read.
func (l *lanes) nextRead() (time.Time, bool) {
	for _, to := range l.line {
		for _, d := range l.queued[to] {
			if l.holds(d) {
				return d.read, true
			}
		}
	}
	return time.Time{}, false
}

// settled forgets d, which next handed out, and puts its recipient at the
// back of the line if more of their entries wait.
func (l *lanes) settled(d Delivery) {
	delete(l.held, keyOf(d))
	to := d.Out.To
	delete(l.busy, to)
	if len(l.queued[to]) > 0 {
		l.line = append(l.line, to)
	}
}

// drop forgets an entry that is no longer this worker's to send.
func (l *lanes) drop(d Delivery) { delete(l.held, keyOf(d)) }

func (l *lanes) holds(d Delivery) bool {
	_, ok := l.held[keyOf(d)]
	return ok
}

// count is how many entries are held, in flight included.
func (l *lanes) count() int { return len(l.held) }

// all returns the entries held, in no particular order.
func (l *lanes) all() []Delivery {
	ds := make([]Delivery, 0, len(l.held))
	for _, d := range l.held {
		ds = append(ds, d)
	}
	return ds
}
