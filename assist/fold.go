package assist

import "github.com/heraldhq/herald/internal/textfold"

// fold and isWord are textfold's (banned words fold as watch terms do),
// under the names the package's files use.
func fold(s string) string { return textfold.Fold(s) }

func isWord(r rune) bool { return textfold.IsWord(r) }
