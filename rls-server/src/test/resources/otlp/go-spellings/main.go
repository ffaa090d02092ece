// Prints how Go spells float64 values where Mimir's OTLP translation makes label values of them,
// for GoFloatTest: one line per value, tab-separated: the value's bits in hex,
// strconv.FormatFloat(v, 'f', -1, 64) (the le and quantile labels), and the spelling of a double
// attribute (pdata's Value.AsString: fixed, with an exponent below 1e-6 or from 1e21 on, as
// JavaScript writes numbers; written here from that rule). Then JSON lines: the bits-free cases
// of encoding/json with HTML escaping off, as pdata spells array and map attributes.
//
// Regenerate (any Go; Debian's golang-go is enough):
//
//	go run main.go > spellings.tsv
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
)

func asString(f float64) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	if math.IsInf(f, 1) {
		return "Infinity"
	}
	if math.IsInf(f, -1) {
		return "-Infinity"
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	s := strconv.FormatFloat(f, format, -1, 64)
	if format == 'e' {
		n := len(s)
		if n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return s
}

func main() {
	values := []float64{
		0, math.Copysign(0, -1), 1, -1, 0.1, 0.2, 0.3, 1.5, 2.5, 0.005, 0.01, 0.025, 0.05, 0.075,
		0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 2.5, 5, 7.5, 10, 100, 1000, 1e6, 1e15, 1e16, 1e17,
		123456789.123, 2.82879384806159e17, 1e20, 1e21, 1.5e21, 1e22, 1e23, 1e100, 1e-5, 1e-6,
		1e-7, 1.5e-7, 1.2345e-10, 1e-100, 5e-324, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.Pow(2, -1074), math.Pow(2, 60), math.Pow(2, 63), math.Pow(2, -30), 1 / 3.0, 2 / 3.0,
		math.Pi, math.E, 9007199254740993, 4.35, 0.1 + 0.2, 1e21 - 65536, 999999999999999999999,
		math.Inf(1), math.Inf(-1), math.NaN(),
	}
	r := rand.New(rand.NewSource(20261207))
	for i := 0; i < 150; i++ {
		values = append(values, math.Float64frombits(r.Uint64()))
	}
	for i := 0; i < 200; i++ { // human-sized values, and powers of two (the asymmetric case)
		values = append(values, float64(r.Intn(100000))/math.Pow(10, float64(r.Intn(8))))
		values = append(values, math.Ldexp(1, r.Intn(2000)-1000))
	}
	for _, v := range values {
		if math.IsNaN(v) && math.Float64bits(v) != math.Float64bits(math.NaN()) {
			continue // one NaN is enough
		}
		fmt.Printf("%016x\t%s\t%s\n", math.Float64bits(v), strconv.FormatFloat(v, 'f', -1, 64), asString(v))
	}
	raws := []interface{}{
		[]interface{}{"a", int64(1), true, nil, 1.5, 1e21, 1e-7, []byte("hi")},
		map[string]interface{}{"b": "x", "a": []interface{}{}, "é": map[string]interface{}{}, "Z": int64(-3)},
		[]interface{}{"<&>", "quote\" back\\ slash", "tab\tnl\nret\r", "\u2028\u2029", "\x01\x1f", "é€😀"},
		[]interface{}{"a\xffb\xe2\x82", "\U0001F7FF", "\uFFFD"},
	}
	for _, raw := range raws {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(raw)
		fmt.Printf("json\t%s\n", strings.TrimRight(buf.String(), "\n"))
	}
}
