// Real media bytes the fakes answer with: PNG images, WAV and MP3 sound, embedding vectors.
package fakes

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// FakePNG is a real PNG image of width×height whose colours depend only on key.
func FakePNG(width, height int, key string) []byte {
	sum := sha256.Sum256([]byte(key))
	img := image.NewNRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		for x := range width {
			img.SetNRGBA(x, y, color.NRGBA{
				R: sum[0] + uint8(x*255/max(width, 1)),
				G: sum[1] + uint8(y*255/max(height, 1)),
				B: sum[2] ^ uint8((x/8+y/8)%2*64),
				A: 255,
			})
		}
	}
	var buf bytes.Buffer
	_ = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	return buf.Bytes()
}

// ---- audio ----

// FakeWAV is a real 16-bit mono PCM WAV file of a 440 Hz tone.
func FakeWAV(seconds float64, rate int) []byte {
	n := int(seconds * float64(rate))
	var buf bytes.Buffer
	le := binary.LittleEndian
	buf.WriteString("RIFF")
	_ = binary.Write(&buf, le, uint32(36+2*n))
	buf.WriteString("WAVEfmt ")
	_ = binary.Write(&buf, le, uint32(16))
	_ = binary.Write(&buf, le, uint16(1)) // PCM
	_ = binary.Write(&buf, le, uint16(1)) // mono
	_ = binary.Write(&buf, le, uint32(rate))
	_ = binary.Write(&buf, le, uint32(rate*2))
	_ = binary.Write(&buf, le, uint16(2))
	_ = binary.Write(&buf, le, uint16(16))
	buf.WriteString("data")
	_ = binary.Write(&buf, le, uint32(2*n))
	for i := range n {
		// a 440 Hz tone in syllable-like bursts, so a waveform of it looks like speech
		t := float64(i) / float64(rate)
		env := (0.12 + 0.88*math.Abs(math.Sin(math.Pi*3.3*t))) * (0.55 + 0.45*math.Sin(2*math.Pi*0.7*t))
		s := int16(12000 * env * math.Sin(2*math.Pi*440*t))
		_ = binary.Write(&buf, le, s)
	}
	return buf.Bytes()
}

// FakeMP3 is a real MPEG-1 Layer III stream of silence (128 kbit/s, 44.1 kHz, mono): each
// frame a valid header with empty side information, which decoders play as silence.
func FakeMP3(seconds float64) []byte {
	const frameSize = 144 * 128000 / 44100 // 417 bytes, no padding
	frames := max(1, int(seconds*44100/1152))
	out := make([]byte, 0, frames*frameSize)
	for range frames {
		frame := make([]byte, frameSize)
		copy(frame, []byte{0xFF, 0xFB, 0x90, 0xC4})
		out = append(out, frame...)
	}
	return out
}

// audioKind names the audio container of data, or "" when it is not audio.
func audioKind(data []byte) string {
	switch {
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WAVE":
		return "wav"
	case bytes.HasPrefix(data, []byte("ID3")), len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0:
		return "mp3"
	case bytes.HasPrefix(data, []byte("OggS")):
		return "ogg"
	case bytes.HasPrefix(data, []byte("fLaC")):
		return "flac"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return "m4a"
	case bytes.HasPrefix(data, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "webm"
	}
	return ""
}

// FakeEmbedding is a unit vector of dims numbers that depends only on text.
func FakeEmbedding(text string, dims int) []float64 {
	out := make([]float64, dims)
	var norm float64
	for i := range out {
		sum := sha256.Sum256([]byte(fmt.Sprintf("%d|%s", i, text)))
		out[i] = float64(binary.BigEndian.Uint16(sum[:2]))/32768 - 1
		norm += out[i] * out[i]
	}
	norm = math.Sqrt(norm)
	for i := range out {
		if norm > 0 {
			out[i] /= norm
		}
	}
	return out
}
