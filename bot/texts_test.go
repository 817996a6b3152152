package bot

import (
	"reflect"
	"testing"
)

// Every sentence in the catalog is filled in: an empty one would send a
// blank bubble to a senior.
func TestJapaneseCatalogHasNoEmptyText(t *testing.T) {
	v := reflect.ValueOf(ja)
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.String && f.String() == "" {
			t.Errorf("ja.%s is empty", v.Type().Field(i).Name)
		}
	}
}
