// Params and inputs shared by the ffmpeg nodes: seconds, integer ranges, frame rates, spans.
package nodes

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flowbench/flowbench/engine"
)

// checkSeconds accepts a time in seconds that is 0 or more.
func checkSeconds(text string) error {
	if hasInputRefs(text) {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil {
		return fmt.Errorf("want a number of seconds, got %q", text)
	}
	if f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("want 0 or more seconds, got %s", text)
	}
	return nil
}

// checkIntRange returns a Check accepting whole numbers from lo to hi.
func checkIntRange(lo, hi int) func(string) error {
	return func(text string) error {
		if hasInputRefs(text) {
			return nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || f != math.Trunc(f) {
			return fmt.Errorf("want a whole number from %d to %d, got %q", lo, hi, text)
		}
		if f < float64(lo) || f > float64(hi) {
			return fmt.Errorf("want a whole number from %d to %d, got %s", lo, hi, text)
		}
		return nil
	}
}

// checkFPS accepts a frame rate above 0 and at most 120.
func checkFPS(text string) error {
	if hasInputRefs(text) {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || !(f > 0 && f <= 120) {
		return fmt.Errorf("want frames per second above 0 and at most 120, got %q", text)
	}
	return nil
}

func secondsParam(name, label, desc string) engine.ParamSpec {
	return engine.ParamSpec{Name: name, Kind: engine.ParamNumber, Label: label, Description: desc, Check: checkSeconds}
}

func intParam(name, label, desc string, def any, lo, hi int) engine.ParamSpec {
	return engine.ParamSpec{Name: name, Kind: engine.ParamInteger, Label: label, Description: desc, Default: def,
		Check: checkIntRange(lo, hi)}
}

// secondsOf reads a seconds param (def when absent), refusing negative values.
func secondsOf(in *engine.NodeInput, name string, def float64) (float64, error) {
	f, err := in.Float(name, def)
	if err != nil {
		return 0, err
	}
	if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("param %q: want 0 or more seconds, got %v", name, f)
	}
	return f, nil
}

// optionalInt reads an integer param within lo..hi; 0 means absent.
func optionalInt(in *engine.NodeInput, name string, lo, hi int) (int, error) {
	if !in.Has(name) {
		return 0, nil
	}
	n, err := in.Int(name, 0)
	if err != nil {
		return 0, err
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("param %q: %d is out of range (%d..%d)", name, n, lo, hi)
	}
	return n, nil
}

// span reads start_s and end_s against a media duration (0: unknown): end defaults to the
// duration and is clamped to it; start must come before end.
func span(in *engine.NodeInput, duration float64) (start, end float64, err error) {
	if start, err = secondsOf(in, "start_s", 0); err != nil {
		return 0, 0, err
	}
	end = duration
	if in.Has("end_s") {
		if end, err = secondsOf(in, "end_s", 0); err != nil {
			return 0, 0, err
		}
		if duration > 0 && end > duration {
			end = duration
		}
	}
	if end <= 0 {
		return 0, 0, fmt.Errorf("the length of the media is unknown: set param %q", "end_s")
	}
	if start >= end {
		return 0, 0, fmt.Errorf("param %q: %g s is not before the end (%g s)", "start_s", start, end)
	}
	return start, end, nil
}

// secs formats seconds for an ffmpeg option.
func secs(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }
