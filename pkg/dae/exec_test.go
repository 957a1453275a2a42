package dae

import "testing"

// TestExecCacheEviction: the cache keeps at most maxCachedExecs graphs, never
// evicts one in use, and evicts the least recently used idle one.
func TestExecCacheEviction(t *testing.T) {
	cfg := testConfig(ParamSoftMax, 1)
	var releases []func()
	var keys []execKey
	for i := range maxCachedExecs + 3 {
		key := newExecKey(testBackend(), &cfg, [4]int{1000 + i, 8, 4, 1})
		exec, release, err := acquireExec(key, &cfg)
		if err != nil {
			t.Fatal(err)
		}
		if exec == nil {
			t.Fatal("nil exec")
		}
		keys = append(keys, key)
		releases = append(releases, release)
	}
	// All in use: nothing can be evicted.
	execCache.Lock()
	for _, k := range keys {
		if _, ok := execCache.entries[k]; !ok {
			t.Errorf("entry %v in use was evicted", k.shape)
		}
	}
	execCache.Unlock()
	for _, r := range releases {
		r()
	}
	// One more acquisition evicts down to the limit, oldest first.
	key := newExecKey(testBackend(), &cfg, [4]int{2000, 8, 4, 1})
	_, release, err := acquireExec(key, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	execCache.Lock()
	defer execCache.Unlock()
	if len(execCache.entries) > maxCachedExecs {
		t.Errorf("%d cached graphs, want ≤ %d", len(execCache.entries), maxCachedExecs)
	}
	if _, ok := execCache.entries[key]; !ok {
		t.Error("the entry just acquired was evicted")
	}
	if _, ok := execCache.entries[keys[0]]; ok {
		t.Error("the least recently used entry was kept")
	}
	if _, ok := execCache.entries[keys[len(keys)-1]]; !ok {
		t.Error("the most recently used idle entry was evicted")
	}
}
