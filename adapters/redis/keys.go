// Package redis stores people and the outbox in Redis, on one server or a
// Redis Cluster.
//
// Handling an event commits three things at once: the person's new state, the
// event marked processed and the replies to send. That is one Lua script, and
// in a Cluster a script may only touch keys of one hash slot. So every key
// lives under a shard tag, {ts:NN}, chosen by the profile ID: a person's hash,
// the shard's index of profiles, its processed events and its outbox stream
// share a slot, while the 16 shards still spread over the Cluster's nodes.
// Operations over all people (listing, reading the outbox) make one call per
// shard, which is safe on a Cluster.
package redis

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
)

// Shards is the number of shard tags. Changing it moves every key.
const Shards = 16

// group is the outbox streams' consumer group.
const group = "senders"

// shardOf returns the shard holding a person's keys.
func shardOf(profileID string) int {
	return int(crc32.ChecksumIEEE([]byte(profileID)) % Shards)
}

// tag is a shard's hash tag, {ts:NN}. Every key is built with one, on
// every commit and read, so they are formatted once.
func tag(shard int) string { return tags[shard] }

var tags = func() (t [Shards]string) {
	for sh := range t {
		t[sh] = fmt.Sprintf("{ts:%02d}", sh)
	}
	return t
}()

// personKey is a hash: profile (JSON), conv (JSON), ver (int), and what
// commitScript keeps to skip writes that would change nothing: mx (the
// match digest) and tk (the talk state the talk indexes hold).
func personKey(profileID string) string {
	return tag(shardOf(profileID)) + ":p:" + profileID
}

// versionsKey counts the versions handed out in a shard. A person's version
// comes from it rather than from their own hash, so that it never repeats:
// a deletion removes the hash, and a person who comes back would otherwise
// count 1, 2, … again, and a replica remembering the first life at version
// 2 would see its stale state accepted by the second life's version 2.
func versionsKey(shard int) string { return tag(shard) + ":ver" }

// profilesKey is the set of profile IDs in a shard, the index for listing.
func profilesKey(shard int) string { return tag(shard) + ":profiles" }

// seenKey is a sorted set of processed events scored by unix ms. Its members
// are eventKey digests, never the IDs themselves: some event IDs are built
// from a person's ID, and the set outlives the person by a week.
func seenKey(shard int) string { return tag(shard) + ":seen" }

// eventKey is how a processed event is remembered: a digest of its ID that
// names no one. Empty stays empty (an event that needs no dedupe).
func eventKey(id string) string {
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}

// refsKey is a sorted set of what names the person outside their own keys:
// "t:<task>" and "s:<session>", scored by when the thing
// ends (unix ms). Deletion reads it to find every task, session and
// broadcast to scrub without scanning them all; retention trims it. It is
// written before the thing that names the person, so it can only hold too
// much, never too little.
func refsKey(profileID string) string { return personKey(profileID) + ":refs" }

// outboxKey is a stream of entries to send: fields out (JSON) and attempt.
func outboxKey(shard int) string { return tag(shard) + ":outbox" }

// delayedKey is a sorted set of entries waiting for a retry, scored by the
// unix ms they are due.
func delayedKey(shard int) string { return tag(shard) + ":outbox:delayed" }

// deadKey is a capped list of dead-letter records, newest first.
func deadKey(shard int) string { return tag(shard) + ":outbox:dead" }

// openTalksKey is a sorted set of the people with an open conversation with
// the coordinators, scored by when it opened (unix ms); closedTalksKey the
// same for closed ones, scored by when they closed. Both name people and
// are cleared when a person is deleted.
func openTalksKey(shard int) string   { return tag(shard) + ":talks:open" }
func closedTalksKey(shard int) string { return tag(shard) + ":talks:closed" }
