// Runs one ONNX model in ONNX Runtime (CPU, from the onnxruntime-node npm
// package) the way bench/run_models_ort.sh runs octet: the same raw f32 input,
// a fixed number of intra-op threads, warm-up runs, then the median latency of
// N timed runs. Writes the first output as raw little-endian f32 so the driver
// can compare it with octet's. Prints one JSON line.
//
//   node run_ort.js --model m.onnx --threads 1 --runs 50 --input x.raw --output y.raw
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
    const args = { threads: 1, runs: 30, warmup: 5, input: '', output: '', model: '' };
    for (let i = 2; i < argv.length; i += 2) {
        const key = argv[i].replace(/^--/, '');
        if (!(key in args) || i + 1 >= argv.length) throw new Error(`unknown or incomplete option ${argv[i]}`);
        args[key] = ['threads', 'runs', 'warmup'].includes(key) ? parseInt(argv[i + 1], 10) : argv[i + 1];
    }
    if (!args.model) throw new Error('--model is required');
    return args;
}

function median(values) {
    const s = [...values].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
    const args = parseArgs(process.argv);
    const session = await ort.InferenceSession.create(args.model, {
        executionProviders: ['cpu'],
        intraOpNumThreads: args.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
    });
    const name = session.inputNames[0];
    const meta = session.inputMetadata ? session.inputMetadata.find ? session.inputMetadata.find((m) => m.name === name)
                                                                     : session.inputMetadata[name]
                                      : undefined;
    const dims = meta && meta.shape ? meta.shape.map(Number) : null;
    if (!dims || dims.some((d) => !Number.isFinite(d) || d <= 0)) throw new Error(`input ${name} has no static shape`);
    const count = dims.reduce((a, b) => a * b, 1);
    let data;
    if (args.input) {
        const buf = fs.readFileSync(args.input);
        if (buf.length !== count * 4) throw new Error(`${args.input} has ${buf.length} bytes, expected ${count * 4}`);
        data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    } else {
        data = new Float32Array(count).map((_, i) => ((i * 7) % 23) / 11 - 1);
    }
    const feeds = { [name]: new ort.Tensor('float32', data, dims) };
    let result;
    for (let i = 0; i < args.warmup; ++i) result = await session.run(feeds);
    const times = [];
    for (let i = 0; i < args.runs; ++i) {
        const t0 = process.hrtime.bigint();
        result = await session.run(feeds);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const out = result[session.outputNames[0]];
    if (args.output) fs.writeFileSync(args.output, Buffer.from(new Float32Array(out.data).buffer));
    console.log(JSON.stringify({
        engine: 'onnxruntime', version: ort.env.versions.common, model: args.model, threads: args.threads,
        runs: args.runs, median_ms: median(times), min_ms: Math.min(...times), output_dims: out.dims,
    }));
}

main().catch((e) => {
    console.error(`run_ort.js: ${e.message}`);
    process.exit(1);
});
