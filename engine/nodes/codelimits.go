package nodes

import (
	"sync"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/dop251/goja"
)

// code.js limits inside long built-in calls (SPEC §17).
//
// goja stops a script (vm.Interrupt) only between JavaScript instructions, and the heap
// watchdog can only ask it to stop. A single built-in call that loops in Go never sees the
// request: new Array(1e8).fill(0) filled 6.6 GB for 77 s against a 5 s limit, and
// new Array(1e9).fill(0) killed the process. So before the user's code runs, codeGuards
// replaces the built-ins that loop or allocate in Go in one call with guarded versions:
//
//   - sizes are checked before the work: an array (Array(n), Array.from, any
//     Array.prototype method over this.length), arguments spread by apply, typed arrays and
//     buffers, and text made by repeat, padStart/padEnd, join, concat, split("") and
//     replaceAll of a text;
//   - sort without a comparator gets one written in JavaScript, which compares exactly as
//     the default does but runs as instructions the time limit can stop (the same for typed
//     arrays' numeric sort); JSON.stringify without a replacer likewise gets an identity
//     replacer;
//   - regular expressions that need backtracking (regexp2) stop after codeRegexTimeout,
//     and a match that ran out of time is reported as an error, not as "no match".
//
// What is left to the watchdog (time limit, heap growth) is work done by instructions.

// codeRegexTimeout bounds one regexp2 match. goja reads it when it compiles a pattern, so it
// is set once for the process (only goja uses regexp2 here) to the default time limit: a
// script with a shorter limit is stopped by the watchdog as soon as the match gives up.
const codeRegexTimeout = codeDefaultTimeout * time.Millisecond

func init() {
	regexp2.DefaultMatchTimeout = codeRegexTimeout
}

// codeLimits are what the guards are given.
type codeLimits struct {
	Items   int64 `json:"items"`    // items in one array, arguments list or result
	Chars   int64 `json:"chars"`    // characters in one text
	Bytes   int64 `json:"bytes"`    // bytes of one typed array or buffer
	MB      int64 `json:"mb"`       // the memory limit, for messages
	RegexMS int64 `json:"regex_ms"` // codeRegexTimeout
}

// currentCodeLimits derives the guards' sizes from the memory limit: an array item costs
// goja at least 16 bytes (a Value) and often as much again for what it holds.
func currentCodeLimits() codeLimits {
	return codeLimits{
		Items:   int64(codeHeapLimit / 64),
		Chars:   int64(codeHeapLimit / 4),
		Bytes:   int64(codeHeapLimit),
		MB:      int64(codeHeapLimit >> 20),
		RegexMS: codeRegexTimeout.Milliseconds(),
	}
}

// codeGuardsProgram is compiled once; it runs in each fresh runtime before the user's code.
var codeGuardsProgram = sync.OnceValues(func() (*goja.Program, error) {
	return goja.Compile("flowbench-guards.js", codeGuards, true)
})

// installCodeGuards runs the guards in vm.
func installCodeGuards(vm *goja.Runtime) error {
	prg, err := codeGuardsProgram()
	if err != nil {
		return err
	}
	fnV, err := vm.RunProgram(prg)
	if err != nil {
		return err
	}
	fn, _ := goja.AssertFunction(fnV)
	l := currentCodeLimits()
	obj := vm.NewObject()
	for k, v := range map[string]int64{"items": l.Items, "chars": l.Chars, "bytes": l.Bytes, "mb": l.MB, "regexMs": l.RegexMS} {
		if err := obj.Set(k, v); err != nil {
			return err
		}
	}
	_, err = fn(goja.Undefined(), obj)
	return err
}

const codeGuards = `(function (limits) {
	var MAX = limits.items, CHARS = limits.chars, BYTES = limits.bytes, MB = limits.mb, REGEX_MS = limits.regexMs;
	var G = globalThis, A = Array, AP = Array.prototype, SP = String.prototype, FP = Function.prototype;
	var apply = Reflect.apply, construct = Reflect.construct, def = Object.defineProperty,
		names = Object.getOwnPropertyNames, getProto = Object.getPrototypeOf, now = Date.now,
		str = String, isArray = Array.isArray, indexOf = SP.indexOf, RE = RangeError, P = Proxy,
		isProtoOf = Object.prototype.isPrototypeOf, get = Reflect.get, HAS = Symbol.hasInstance;

	function over(what) {
		throw new RE(what + " is over the code.js memory limit (" + MB + " MB)");
	}
	function lengthOf(o) {
		if (o === null || o === undefined) return 0;
		var n = o.length;
		return typeof n === "number" ? n : 0;
	}
	function items(n, what) {
		if (n > MAX) over(what + " of " + n + " items");
	}
	function chars(n, what) {
		if (n > CHARS) over(what + " of " + n + " characters");
	}
	// put replaces proto[name] with a method that runs check(this, args) first. The
	// replacement is a method (not a constructor) with the original's name and length.
	function put(proto, name, check, call) {
		var f = proto[name];
		if (typeof f !== "function") return;
		var m = ({ [name]() {
			if (check) check(this, arguments);
			return call ? call(f, this, arguments) : apply(f, this, arguments);
		} })[name];
		def(m, "length", { value: f.length, configurable: true });
		def(proto, name, { value: m, writable: true, configurable: true, enumerable: false });
	}

	// Arrays: every method works over this.length items.
	function thisItems(self) { items(lengthOf(self), "an array"); }
	// Left alone: the lazy iterators, what is guarded below, and what does not loop.
	var lazy = { constructor: 1, keys: 1, values: 1, entries: 1, sort: 1, toSorted: 1, join: 1, push: 1, pop: 1, at: 1,
		concat: 1, flat: 1 };
	names(AP).forEach(function (name) {
		if (!lazy[name] && typeof AP[name] === "function") put(AP, name, thisItems);
	});
	put(AP, "join", function (self, args) {
		var n = lengthOf(self);
		items(n, "an array");
		var sep = args.length && args[0] !== undefined ? str(args[0]) : ",";
		var size = n > 0 ? (n - 1) * sep.length : 0;
		for (var i = 0; i < n && size <= CHARS; i++) {
			var x = self[i];
			if (typeof x === "string") size += x.length;
		}
		chars(size, "a joined text");
	});
	put(AP, "concat", function (self, args) {
		var n = lengthOf(self);
		for (var i = 0; i < args.length && n <= MAX; i++) n += isArray(args[i]) ? args[i].length : 1;
		items(n, "a joined array");
	});
	// flat visits what it copies in Go: count the visits in JavaScript first (the time
	// limit can stop the count), as many as the result's items and the arrays holding them.
	function visits(a, depth, acc) {
		var n = lengthOf(a);
		items(n, "an array");
		for (var i = 0; i < n; i++) {
			var x = a[i];
			if (++acc > MAX) over("a flattened array of more than " + MAX + " items");
			if (depth >= 1 && isArray(x)) acc = visits(x, depth - 1, acc);
		}
		return acc;
	}
	put(AP, "flat", function (self, args) {
		var d = args.length && args[0] !== undefined ? +args[0] : 1;
		visits(self, d !== d ? 0 : d, 0);
	});
	// The default order, compared in JavaScript so the time limit can stop a long sort.
	function byText(x, y) {
		var a = str(x), b = str(y);
		return a < b ? -1 : a > b ? 1 : 0;
	}
	function sortWith(cmp) {
		return function (f, self, args) {
			var c = args.length ? args[0] : undefined;
			return apply(f, self, [c === undefined ? cmp : c]);
		};
	}
	put(AP, "sort", thisItems, sortWith(byText));
	put(AP, "toSorted", thisItems, sortWith(byText));

	// guard wraps a constructor in a proxy that checks its arguments. goja's instanceof does
	// not see through a proxy, so the proxy answers it as the constructor would.
	function guard(C, check) {
		var has = ({ [HAS](v) { return apply(isProtoOf, C.prototype, [v]); } })[HAS];
		return new P(C, {
			apply: function (t, self, args) { check(args); return apply(t, self, args); },
			construct: function (t, args, nt) { check(args); return construct(t, args, nt); },
			get: function (t, k, r) { return k === HAS ? has : get(t, k, r); }
		});
	}
	var ArrayG = guard(A, function (args) {
		if (args.length === 1 && typeof args[0] === "number") items(args[0], "an array");
	});
	def(AP, "constructor", { value: ArrayG, writable: true, configurable: true, enumerable: false });
	def(G, "Array", { value: ArrayG, writable: true, configurable: true, enumerable: false });
	put(A, "from", function (self, args) {
		if (args.length && args[0] !== null && args[0] !== undefined) items(lengthOf(args[0]), "Array.from");
	});

	// Calls that spread an array-like into arguments.
	function argList(args, i, what) {
		var list = args[i];
		if (list !== null && list !== undefined) items(lengthOf(list), what);
	}
	put(FP, "apply", function (self, args) { argList(args, 1, "a call's arguments"); });
	put(Reflect, "apply", function (self, args) { argList(args, 2, "a call's arguments"); });
	put(Reflect, "construct", function (self, args) { argList(args, 1, "a call's arguments"); });

	// Typed arrays and buffers allocate their bytes at once.
	function bufferGuard(C, per) {
		return guard(C, function (args) {
			var a = args.length ? args[0] : 0;
			var n = typeof a === "number" ? a : (a !== null && typeof a === "object" && !(a instanceof ArrayBuffer) ? lengthOf(a) : 0);
			if (n * per > BYTES) over("a buffer of " + n * per + " bytes");
		});
	}
	var ArrayBuffer = G.ArrayBuffer;
	["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
		"Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "ArrayBuffer", "SharedArrayBuffer"].forEach(function (name) {
		var C = G[name];
		if (typeof C !== "function") return;
		var g = bufferGuard(C, C.BYTES_PER_ELEMENT || 1);
		if (C.prototype) def(C.prototype, "constructor", { value: g, writable: true, configurable: true, enumerable: false });
		def(G, name, { value: g, writable: true, configurable: true, enumerable: false });
	});
	// The typed arrays' numeric order, compared in JavaScript (NaN last, -0 before +0).
	function byNumber(x, y) {
		if (x !== x) return y !== y ? 0 : 1;
		if (y !== y) return -1;
		if (x < y) return -1;
		if (x > y) return 1;
		if (x === 0 && y === 0 && typeof x === "number") {
			var a = 1 / x, b = 1 / y;
			return a < b ? -1 : a > b ? 1 : 0;
		}
		return 0;
	}
	if (typeof G.Uint8Array === "function") {
		var TAP = getProto(Uint8Array.prototype);
		put(TAP, "sort", null, sortWith(byNumber));
		put(TAP, "toSorted", null, sortWith(byNumber));
	}

	// Text.
	put(SP, "repeat", function (self, args) {
		var n = +args[0];
		if (n > 0) chars(str(self).length * n, "a repeated text");
	});
	function pad(self, args) {
		var n = +args[0];
		if (n > str(self).length) chars(n, "a padded text");
	}
	put(SP, "padStart", pad);
	put(SP, "padEnd", pad);
	put(SP, "concat", function (self, args) {
		var n = str(self).length;
		for (var i = 0; i < args.length; i++) n += str(args[i]).length;
		chars(n, "a joined text");
	});
	put(SP, "split", function (self, args) {
		if (args.length && args[0] === "" && (args.length < 2 || args[1] === undefined || args[1] > MAX)) {
			items(str(self).length, "a split text");
		}
	});
	put(SP, "replaceAll", function (self, args) {
		var s = str(self), p = args[0], r = args[1];
		if (typeof p !== "string" || typeof r !== "string" || r.length <= p.length) return;
		var count = 0, at = 0;
		if (p === "") {
			count = s.length + 1;
		} else {
			while ((at = apply(indexOf, s, [p, at])) >= 0) { count++; at += p.length; }
		}
		chars(s.length + count * (r.length - p.length), "a replaced text");
	});

	// JSON.stringify walks its value in Go; with a replacer it calls back for every value,
	// so the time and memory limits can stop it.
	function same(k, v) { return v; }
	put(JSON, "stringify", null, function (f, self, args) {
		var list = [args[0], args.length > 1 && args[1] !== undefined && args[1] !== null ? args[1] : same];
		if (args.length > 2) list.push(args[2]);
		return apply(f, self, list);
	});

	// A regular expression that needs backtracking stops after REGEX_MS and then reports no
	// match; say that it ran out of time instead. (test, match, replace, split and search
	// all go through exec.)
	put(RegExp.prototype, "exec", null, function (f, self, args) {
		var t = now();
		var r = apply(f, self, args);
		if (r === null && now() - t >= REGEX_MS) {
			throw new RE("a regular expression ran past its " + REGEX_MS + " ms limit (it backtracks too much)");
		}
		return r;
	});
})`
