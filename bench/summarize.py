#!/usr/bin/env python3
"""Markdown tables from the CSVs of bench_conv / bench_matmul / bench_pool (for README.md).
   bench/summarize.py bench/results  >  tables.md"""
import csv, os, sys

d = sys.argv[1] if len(sys.argv) > 1 else "bench/results"

def rows(name):
    p = os.path.join(d, name)
    return list(csv.DictReader(open(p))) if os.path.exists(p) else []

def f(x, n=2):
    try:
        return f"{float(x):.{n}f}"
    except ValueError:
        return "-"

def conv_tables(name, title):
    r = rows(name)
    if not r:
        return
    for t in sorted({x["threads"] for x in r}):
        print(f"\n#### {title}, {t} thread(s) (peak {f(next(x['peak_gops'] for x in r if x['threads']==t and x['peak_gops']), 0)} GOPS)\n")
        print("| layer | ×N | octet exec | octet ms | oneDNN int8 ms | oneDNN f32 ms | XNNPACK ms | octet % peak | oneDNN int8 % peak | vs oneDNN int8 | vs oneDNN f32 | vs XNNPACK | diff vs oneDNN (n/max) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for x in r:
            if x["threads"] != t or x["layer"].startswith("TOTAL"):
                continue
            diff = f"{x['diff_vs_dnnl_n']}/{x['diff_vs_dnnl_max']}" if x["diff_vs_dnnl_n"] else "-"
            print(f"| {x['layer'].split(':')[-1]} | {x['repeat']} | {x['octet_exec_type']} | {f(x['octet_ms'],3)} | {f(x['dnnl_int8_ms'],3)} | "
                  f"{f(x['dnnl_f32_ms'],3)} | {f(x['xnnpack_qc8_ms'],3)} | {f(x['octet_pct_peak'],1)} | {f(x['dnnl_int8_pct_peak'],1)} | "
                  f"{f(x['speedup_vs_dnnl_int8'])} | {f(x['speedup_vs_dnnl_f32'])} | {f(x['speedup_vs_xnnpack'])} | {diff} |")
    print(f"\n#### {title}: totals (ms; speedup = peer / octet)\n")
    print("| set | threads | sum over | octet | oneDNN int8 | oneDNN f32 | XNNPACK | vs oneDNN int8 | vs oneDNN f32 | vs XNNPACK |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for x in r:
        if x["layer"].startswith("TOTAL"):
            what = ("network, " if "network" in x["layer"] else "unique, ") + x["repeat"] + " convs"
            print(f"| {x['set']} | {x['threads']} | {what} | {f(x['octet_ms'],3)} | {f(x['dnnl_int8_ms'],3)} | {f(x['dnnl_f32_ms'],3)} | "
                  f"{f(x['xnnpack_qc8_ms'],3)} | {f(x['speedup_vs_dnnl_int8'])} | {f(x['speedup_vs_dnnl_f32'])} | {f(x['speedup_vs_xnnpack'])} |")

def matmul_table(name, title):
    r = rows(name)
    if not r:
        return
    print(f"\n#### {title}\n")
    print("| shape | threads | octet exec | octet ms | oneDNN matmul ms | oneDNN ip ms | XNNPACK FC ms | octet GOPS | octet % peak | octet weights GB/s | vs matmul | vs ip | vs XNNPACK | diff vs oneDNN | diff vs XNNPACK |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for x in r:
        print(f"| {x['shape']} (M{x['m']} N{x['n']} K{x['k']}) | {x['threads']} | {x['octet_exec_type']} | {f(x['octet_ms'],4)} | {f(x['dnnl_matmul_ms'],4)} | "
              f"{f(x['dnnl_ip_ms'],4)} | {f(x['xnnpack_fc_ms'],4)} | {f(x['octet_gops'],1)} | {f(x['octet_pct_peak'],1)} | {f(x['octet_weight_gbs'],1)} | "
              f"{f(x['speedup_vs_dnnl_matmul'])} | {f(x['speedup_vs_dnnl_ip'])} | {f(x['speedup_vs_xnnpack'])} | "
              f"{x['diff_vs_dnnl_n']}/{x['diff_vs_dnnl_max']} | {x['diff_vs_xnn_n']}/{x['diff_vs_xnn_max']} |")

def pool_table(name, title):
    r = rows(name)
    if not r:
        return
    print(f"\n#### {title}\n")
    print("| shape | alg | threads | octet exec | octet ms | oneDNN ms | octet GB/s | oneDNN GB/s | vs oneDNN | diff | oneDNN impl |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for x in r:
        print(f"| {x['shape']} | {x['alg']} | {x['threads']} | {x['octet_exec_type']} | {f(x['octet_ms'],4)} | {f(x['dnnl_ms'],4)} | "
              f"{f(x['octet_gbs'],1)} | {f(x['dnnl_gbs'],1)} | {f(x['speedup_vs_dnnl'])} | {x['diff_n']}/{x['diff_max']} | {x['dnnl_impl']} |")

conv_tables("conv.csv", "Convolution, octet at its best ISA (avx512_core_vnni)")
matmul_table("matmul.csv", "Matmul / FC, octet at avx512_core_vnni")
pool_table("pool.csv", "Pooling, octet at its best ISA")
conv_tables("conv_avx2.csv", "Convolution, octet and oneDNN capped at AVX2, 8-bit weights [-128,127]")
conv_tables("conv_avx2_wei7.csv", "Convolution, octet and oneDNN capped at AVX2, 7-bit weights [-64,63]")
matmul_table("matmul_avx2.csv", "Matmul / FC, octet and oneDNN capped at AVX2, 8-bit weights")
