#!/usr/bin/env python3
"""Groups the samples of `perf record ... sandbox LOOP ...` by what the render was doing.

    bench/perf_groups.py PERF.DATA

Prints the percent of samples per group (BENCHMARKS.md, "Where the time goes"). The
groups rely on the names of a module built by bench/profile-module.sh.

Counted: samples of the main thread (the render loop), minus start-up (module load,
spec building). Guest frames are those named from wasmtime's perf map; a guest stack
unwinds to the host's catch_traps. A sample belongs to the first group whose rule
matches its stack (leaf to root); kernel work under a guest frame (page faults on
fresh memory) is counted with that frame's group and also totalled separately."""
import re, subprocess, sys, collections

data = sys.argv[1]
out = subprocess.run(["perf", "script", "-i", data, "-F", "tid,ip,sym,dso"],
                     capture_output=True, text=True).stdout
samples = [s for s in out.split("\n\n") if s.strip()]

def parse(sample):
    lines = sample.strip().splitlines()
    fs = []
    for line in lines[1:]:
        parts = line.strip().split(None, 1)
        if len(parts) < 2:
            continue
        m = re.match(r"(.*) \((.*)\)$", parts[1])
        fs.append((m.group(1), m.group(2)) if m else (parts[1], ""))
    return lines[0].strip(), fs

STARTUP = r"Runtime::new|CompileCache|load_or_compile|deserialize|Module::|_dl_|dl_main|sandbox::w[123]|sandbox::workload|cranelift|regalloc2|Engine::new"

def has(fs, pat):
    return any(re.search(pat, s) for s, _ in fs)

def raster_detail(fs):
    if has(fs, r"png::Raster::clip_to|Mask::fill_path"):
        return "clip masks (painting them)"
    if has(fs, r"png::Raster::text"):
        return "glyph fills (text)"
    if has(fs, r"sprite::composite"):
        return "marker sprites: compositing"
    if has(fs, r"sprite::"):
        return "marker sprites: drawing each style once"
    if has(fs, r"png::zeroed|new_pixmap"):
        return "zeroing the fresh canvas / mask"
    if has(fs, r"fill_rect"):
        return "rectangles (grid, ticks, spines, bars)"
    if has(fs, r"stroker|PathStroker|dash_impl|Path>::stroke"):
        return "paths: stroke expansion"
    if has(fs, r"tiny_skia::pipeline|RasterPipelineBlitter|blit_anti|blit_mask|blit_rect"):
        return "paths: raster pipeline (blending)"
    if has(fs, r"tiny_skia::scan|alpha_runs|AlphaRuns|SuperBlitter|edge_builder|tiny_skia::edge|hairline"):
        return "paths: coverage (scan conversion)"
    if has(fs, r"Pixmap.*::fill\b|Pixmap>::fill"):
        return "background fill"
    if has(fs, r"simplify|polyline"):
        return "paths: simplification"
    return "other"

def group(fs):
    guest = [s for s, d in fs if d.startswith("/tmp/perf-") or "catch_traps" in s]
    if not guest:
        if has(fs, r"instantiate|InstancePre|Instance::new"):
            return "host: instantiation"
        if has(fs, r"drop_in_place<wasmtime|Store|deallocate|decommit|madvise|reset"):
            return "host: store teardown (decommit, madvise)"
        return "host: other (spec copy-in, result copy-out, libcalls)"
    if has(fs, r"png::encode_pixmap_with"):
        if has(fs, r"png::filter"):
            return "PNG: filtering"
        if has(fs, r"fdeflate|miniz"):
            return "PNG: deflate"
        if has(fs, r"adler|crc32"):
            return "PNG: checksums (adler32, crc32)"
        if has(fs, r"demultiply"):
            return "demultiplying"
        if has(fs, r"pack_rgb"):
            return "packing RGB (and the opacity test)"
        return "PNG: other (the png crate's row loop and buffers)"
    if has(fs, r"png::demultiply"):
        return "demultiplying"
    if has(fs, r"png::pack_rgb"):
        return "packing RGB (and the opacity test)"
    if has(fs, r"png::rasterize_masked"):
        return "raster: " + raster_detail(fs)
    if has(fs, r"svg::"):
        return "SVG writing"
    if has(fs, r"rustybuzz|text::shape|ttf_parser|text::"):
        return "text shaping, metrics, font tables"
    if has(fs, r"layout::|resolve::|pyformat|scene::"):
        return "layout (ticks, legend, scene)"
    if has(fs, r"serde|parse_figure|validate|spec::"):
        return "JSON parse + validation"
    if has(fs, r"dlmalloc|alloc::|memset|memcpy|memmove"):
        return "guest: allocator, memcpy"
    return "guest: other (" + re.sub(r"::h[0-9a-f]{16}$", "", guest[0])[:70] + ")"

main = collections.Counter(parse(s)[0] for s in samples).most_common(1)[0][0]
counts, kernel = collections.Counter(), 0
total = 0
for sample in samples:
    tid, fs = parse(sample)
    if tid != main or not fs:
        continue
    in_guest = any(d.startswith("/tmp/perf-") or "catch_traps" in s for s, d in fs)
    if not in_guest and has(fs, STARTUP):
        continue
    total += 1
    g = group(fs)
    counts[g] += 1
    if in_guest and fs[0][1] == "[kernel.kallsyms]":
        kernel += 1
print(f"{data}: {total} samples")
for name, n in counts.most_common():
    if 100 * n / total >= 0.5:
        print(f"{100*n/total:5.1f}%  {name}")
rest = sum(n for n in counts.values() if 100 * n / total < 0.5)
print(f"{100*rest/total:5.1f}%  (groups under 0.5% each)")
print(f"  of which in the kernel under guest frames (page faults on fresh memory): {100*kernel/total:.1f}%")
