package httpapi_test

import (
	"net/http"
	"reflect"
	"sort"
	"testing"
)

func TestCatalogListsIDsAndLabels(t *testing.T) {
	f := newFixture(t)
	rec := f.do(t, http.MethodGet, "/api/catalog", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	var got map[string][]map[string]string
	decode(t, rec, &got)

	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"areas", "skills"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("top-level keys = %v, want %v", keys, want)
	}
	wantSkill := map[string]string{"id": "grading", "label_ja": "採点", "label_en": "Grading"}
	if len(got["skills"]) != 3 || !reflect.DeepEqual(got["skills"][0], wantSkill) {
		t.Errorf("skills = %v, want 3 starting with %v", got["skills"], wantSkill)
	}
	wantArea := map[string]string{"id": "remote", "label_ja": "リモート", "label_en": "Remote"}
	if len(got["areas"]) != 3 || !reflect.DeepEqual(got["areas"][2], wantArea) {
		t.Errorf("areas = %v, want 3 ending with %v", got["areas"], wantArea)
	}
}
