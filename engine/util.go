package engine

import "github.com/google/uuid"

// NewID returns a new random id (UUID v7: time-ordered, so ids sort by creation).
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}
