package local_test

import (
	"testing"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
)

func TestContract(t *testing.T) {
	mediatest.StoreContract(t, func(t *testing.T) media.Store {
		s, err := local.Open(t.TempDir() + "/media")
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
