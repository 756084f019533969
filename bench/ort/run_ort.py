#!/usr/bin/env python3
# run_ort.js for machines that have ONNX Runtime's Python package instead of
# node (same options, same JSON line, same raw f32 output): the same engine
# (CPU execution provider, all graph optimizations, sequential, N intra-op
# threads), reached through another binding. Needs onnxruntime and numpy.
import argparse
import json
import time

import numpy as np
import onnxruntime as ort


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', required=True)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--runs', type=int, default=30)
    p.add_argument('--warmup', type=int, default=5)
    p.add_argument('--input', default='')
    p.add_argument('--output', default='')
    a = p.parse_args()
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(a.model, so, providers=['CPUExecutionProvider'])
    inp = sess.get_inputs()[0]
    shape = [int(d) for d in inp.shape]
    if a.input:
        x = np.fromfile(a.input, dtype='<f4')
        if x.size != int(np.prod(shape)):
            raise SystemExit(f'run_ort.py: {a.input} has {x.size} floats, expected {int(np.prod(shape))}')
        x = x.reshape(shape)
    else:
        x = (np.arange(int(np.prod(shape))) * 7 % 23 / 11 - 1).astype(np.float32).reshape(shape)
    feeds = {inp.name: x}
    for _ in range(a.warmup):
        out = sess.run(None, feeds)
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        out = sess.run(None, feeds)
        times.append((time.perf_counter() - t0) * 1e3)
    if a.output:
        np.asarray(out[0], dtype='<f4').tofile(a.output)
    print(json.dumps({'engine': 'onnxruntime-python', 'version': ort.__version__, 'model': a.model,
                      'threads': a.threads, 'runs': a.runs, 'median_ms': float(np.median(times)),
                      'min_ms': float(min(times)), 'output_dims': list(out[0].shape)}))


main()
