package brands

// IsGrantee lets the external tests check isGrantee.
var IsGrantee = isGrantee
