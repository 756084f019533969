#!/bin/bash
# run-in-bochs.sh - run an x86-64 Linux test binary inside the Bochs emulator with an
# AVX-512 / AVX-512-VNNI capable CPU model (default: tigerlake), headless, non-interactive.
# octet's own copy (adapted from ../shared/emu/run-in-bochs.sh; see tools/emu/README.md).
#
#   usage: run-in-bochs.sh [-c CPU] [-t SECONDS] [-m MEGS] [-f FILE]... [-e VAR=VAL]... [-k MOD.ko]... BINARY [ARGS...]
#          run-in-bochs.sh -P      prepare only: fetch the guest kernel, build /init (setup.sh does this)
#
#   -c CPU      Bochs CPU model. Bochs 2.7: tigerlake (default) | corei7_icelake_u (both AVX-512+VNNI)
#               | corei7_skylake_x (AVX-512, no VNNI) | corei7_haswell_4770 (AVX2) ...
#               Bochs 3.0 (BOCHS_BIN=.../bochs3/bochs-bin, see get-bochs3.sh): also sapphire_rapids
#               (AVX-512 VNNI/BF16/FP16 + AVX-VNNI) and arrow_lake (AVX-VNNI, AVX-VNNI-INT8, no AVX-512).
#   -t SECONDS  host-side wall-clock limit for the whole run (default 900).
#   -m MEGS     guest RAM in MiB (default 512).
#   -f FILE     extra file copied next to the binary (guest cwd is /job). Repeatable.
#   -e VAR=VAL  environment variable for the guest process. Repeatable.
#   -k MOD.ko   kernel module built against the guest kernel, loaded before the binary. Repeatable.
#   -v          verbose: show kernel messages, timing, and keep the work directory.
#   -P          prepare the cache and exit (no binary).
#
# Guest stdout/stderr come back byte-exact on this script's stdout/stderr (two emulated UARTs);
# the exit status is the guest process's (128+N if killed by signal N); 124 = timeout,
# 125 = emulator/boot failure. Static binaries run as is; for dynamic ones the ldd closure is copied.
# Cache (guest kernel, /init): $OCTET_EMU_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/octet-emu;
# several instances may run at once (the cache is filled under a lock).
#
# Debian 12 packages: bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso cpio gcc
# libc6-dev, and apt access once to download the guest kernel (linux-image-*-cloud-amd64).
set -euo pipefail

CPU=${BOCHS_CPU:-tigerlake}
TMO=${BOCHS_TIMEOUT:-900}
MEGS=${BOCHS_MEGS:-512}
IPS=${BOCHS_IPS:-100000000}
VERBOSE=${BOCHS_VERBOSE:-0}
BOCHS_BIN=${BOCHS_BIN:-bochs-bin}          # or the Bochs 3.0 wrapper made by get-bochs3.sh
# Guest-kernel workarounds for Bochs bugs (user space still sees every CPUID bit):
#  pku,xsaves,xsavec  Bochs 2.7 omits PKRU from CPUID leaf 0xD and reports a wrong compacted
#                     XSAVE size -> kernel corrupts memory / disables XSAVE (no AVX at all)
#  fsrm               Bochs 2.7 and 3.0: kernel hangs early in boot when memmove uses FSRM rep movsb
#  amx_tile           Bochs 3.0 sapphire_rapids has AMX but no XFD: Linux sets XCR0 with TILECFG
#                     only -> #GP at boot. (AMX stays unusable unless a module sets XCR0, see -k)
#  no5lvl             Bochs 3.0: RSM from SMM with CR4.LA57 set panics the emulator
CPUID_FIX=${BOCHS_CPUID_FIX-pku,xsaves,xsavec,fsrm,amx_tile}
KCMD_EXTRA=${BOCHS_KCMD-no5lvl}
CACHE=${OCTET_EMU_CACHE:-${BOCHS_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/octet-emu}}
FILES=(); ENVS=(); MODS=(); PREPARE=0
while getopts "c:t:m:f:e:k:vPh" o; do
  case $o in
    c) CPU=$OPTARG ;; t) TMO=$OPTARG ;; m) MEGS=$OPTARG ;;
    f) FILES+=("$OPTARG") ;; e) ENVS+=("$OPTARG") ;; k) MODS+=("$OPTARG") ;; v) VERBOSE=1 ;; P) PREPARE=1 ;;
    *) sed -n '2,28p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ "$PREPARE" = 0 ]; then
  [ $# -ge 1 ] || { sed -n '2,28p' "$0"; exit 2; }
  BIN=$1; shift
  [ -f "$BIN" ] || { echo "run-in-bochs: no such file: $BIN" >&2; exit 2; }
fi

die() { echo "run-in-bochs: $*" >&2; exit 125; }
for t in ${BOCHS_BIN%% *} xorriso cpio gcc script flock; do command -v $t >/dev/null || die "missing tool '$t' (apt-get install bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso cpio gcc)"; done
ISOLINUX_BIN=/usr/lib/ISOLINUX/isolinux.bin
LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
[ -f $ISOLINUX_BIN ] && [ -f $LDLINUX ] || die "missing isolinux (apt-get install isolinux syslinux-common)"
[ "$BOCHS_BIN" != bochs-bin ] || [ -f /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so ] || die "missing bochs-term (apt-get install bochs-term)"
mkdir -p "$CACHE"
# Fill the cache under a lock: the emu lane starts one instance per CPU model at the same time.
exec 9>"$CACHE/.lock"
flock 9

# ---- 1. guest kernel: Debian's cloud kernel (small, LZ4-compressed), downloaded once ----------
KERNEL=${BOCHS_KERNEL:-}
if [ -z "$KERNEL" ]; then
  KERNEL=$(ls "$CACHE"/vmlinuz-*-cloud-amd64 2>/dev/null | tail -1 || true)
  if [ -z "$KERNEL" ]; then
    pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    [ -n "$pkg" ] || die "cannot resolve linux-image-cloud-amd64 (run apt-get update first)"
    ( cd "$CACHE" && rm -rf dl && mkdir dl && cd dl && apt-get download -q "$pkg" >/dev/null 2>&1 ) || die "apt-get download $pkg failed"
    dpkg-deb --fsys-tarfile "$CACHE"/dl/*.deb | tar -x -C "$CACHE"/dl --wildcards './boot/vmlinuz-*'
    mv "$CACHE"/dl/boot/vmlinuz-* "$CACHE"/ && rm -rf "$CACHE"/dl
    KERNEL=$(ls "$CACHE"/vmlinuz-*-cloud-amd64 | tail -1)
  fi
fi

# ---- 2. the guest's /init (static C program), built once ---------------------------------------
INIT_SRC='
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <dirent.h>
static int tty(const char *p) {            /* raw mode: no \n -> \r\n translation */
  int fd = open(p, O_RDWR | O_NOCTTY);
  struct termios t;
  if (fd >= 0 && tcgetattr(fd, &t) == 0) { cfmakeraw(&t); cfsetspeed(&t, B115200); tcsetattr(fd, TCSANOW, &t); }
  return fd;
}
static int readlist(const char *path, char *buf, size_t cap, char **v, int max) {
  int n = 0, fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t len = read(fd, buf, cap - 1); close(fd);
  if (len <= 0) return 0;
  buf[len] = 0;
  for (char *p = buf; p < buf + len && n < max; p += strlen(p) + 1) v[n++] = p;
  return n;
}
static void off(void) {
  sync();
  reboot(RB_POWER_OFF);                       /* ACPI S5: bochs exits */
  if (ioperm(0x8900, 1, 1) == 0) for (const char *s = "Shutdown"; *s; s++) outb(*s, 0x8900);
  for (;;) pause();
}
int main(void) {
  mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
  mount("proc", "/proc", "proc", 0, 0);
  mount("sysfs", "/sys", "sysfs", 0, 0);
  mkdir("/dev/shm", 01777); mount("tmpfs", "/dev/shm", "tmpfs", 0, 0);
  int out = tty("/dev/ttyS0"), err = tty("/dev/ttyS1"), con = tty("/dev/ttyS2");
  FILE *c = fdopen(con, "w"); setvbuf(c, 0, _IONBF, 0);
  static char abuf[1 << 16], ebuf[1 << 16];
  char *argv[2048], *envp[1024];
  int argc = readlist("/bochs/args", abuf, sizeof abuf, argv, 2046);
  int envc = readlist("/bochs/env", ebuf, sizeof ebuf, envp, 1022);
  argv[argc] = 0; envp[envc] = 0;
  DIR *md = opendir("/bochs/modules");
  for (struct dirent *de; md && (de = readdir(md));) {
    if (de->d_name[0] == 46) continue;   /* skip dot entries */
    char path[512]; snprintf(path, sizeof path, "/bochs/modules/%s", de->d_name);
    int mfd = open(path, O_RDONLY | O_CLOEXEC);
    long r = syscall(SYS_finit_module, mfd, "", 0);
    fprintf(c, "@@BOCHS_MODULE@@ %s -> %s\n", de->d_name, r == 0 ? "loaded" : strerror(errno));
    close(mfd);
  }
  fprintf(c, "\n@@BOCHS_START@@\n");
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0); dup2(out, 1); dup2(err, 2);
    if (chdir("/job") != 0) _exit(126);
    execve(argv[0], argv, envp);
    perror("run-in-bochs: execve");
    _exit(127);
  }
  int st = 0, code;
  while (waitpid(pid, &st, 0) < 0) {}
  code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  tcdrain(out); tcdrain(err);
  if (WIFSIGNALED(st)) fprintf(c, "@@BOCHS_SIGNAL@@ %d %s\n", WTERMSIG(st), strsignal(WTERMSIG(st)));
  fprintf(c, "@@BOCHS_EXIT@@ %d\n", code);
  tcdrain(con);
  off();
}
'
INIT_HASH=$(printf '%s' "$INIT_SRC" | md5sum | cut -c1-12)
INIT_BIN=$CACHE/init-$INIT_HASH
if [ ! -x "$INIT_BIN" ]; then
  printf '%s' "$INIT_SRC" > "$CACHE/init.c"
  gcc -static -O2 -o "$INIT_BIN.tmp" "$CACHE/init.c" || die "building init failed"
  mv "$INIT_BIN.tmp" "$INIT_BIN"
fi
flock -u 9; exec 9>&-
if [ "$PREPARE" = 1 ]; then echo "run-in-bochs: cache ready in $CACHE ($(basename "$KERNEL"))"; exit 0; fi

# ---- 3. initramfs + bootable ISO ------------------------------------------------------------------
W=$(mktemp -d "${TMPDIR:-/tmp}/run-in-bochs.XXXXXX")
cleanup() { if [ -n "${BPID:-}" ]; then kill "$BPID" 2>/dev/null || true; fi; [ "$VERBOSE" = 1 ] && echo "run-in-bochs: workdir $W" >&2 || rm -rf "$W"; }
trap cleanup EXIT
R=$W/root
mkdir -p "$R"/{dev,proc,sys,tmp,job,bochs} "$W"/iso/isolinux
chmod 1777 "$R/tmp"
cp "$INIT_BIN" "$R/init"
NAME=$(basename "$BIN")
cp "$BIN" "$R/job/$NAME"; chmod +x "$R/job/$NAME"
for f in ${FILES[@]+"${FILES[@]}"}; do cp -r "$f" "$R/job/"; done
if [ ${#MODS[@]} -gt 0 ]; then mkdir -p "$R/bochs/modules"; cp "${MODS[@]}" "$R/bochs/modules/"; fi
# dynamically linked? copy the loader and libraries at their host paths
if ldd "$BIN" >/dev/null 2>&1; then
  for lib in $(ldd "$BIN" | grep -o '/[^ ]*'); do
    mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"
  done
fi
printf '%s\0' "/job/$NAME" "$@" > "$R/bochs/args"
printf '%s\0' "PATH=/job:/bin:/usr/bin" "HOME=/job" "TMPDIR=/tmp" ${ENVS[@]+"${ENVS[@]}"} > "$R/bochs/env"
(cd "$R" && find . | cpio -o -H newc --quiet) > "$W/iso/isolinux/initrd"

KCMD="console=ttyS2,115200 rdinit=/init panic=-1 reboot=triple nokaslr mitigations=off cryptomgr.notests"
KCMD="$KCMD tsc_early_khz=$((IPS / 1000)) 8250.nr_uarts=3${CPUID_FIX:+ clearcpuid=$CPUID_FIX}${KCMD_EXTRA:+ $KCMD_EXTRA}"
[ "$VERBOSE" = 1 ] || KCMD="$KCMD quiet"
cp "$KERNEL" "$W/iso/isolinux/vmlinuz"
cp $ISOLINUX_BIN $LDLINUX "$W/iso/isolinux/"
printf 'DEFAULT t\nPROMPT 0\nTIMEOUT 0\nLABEL t\n  KERNEL vmlinuz\n  INITRD initrd\n  APPEND %s\n' "$KCMD" > "$W/iso/isolinux/isolinux.cfg"
xorriso -as mkisofs -quiet -o "$W/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
  -no-emul-boot -boot-load-size 4 -boot-info-table "$W/iso" >/dev/null 2>&1 || die "xorriso failed"

# ---- 4. Bochs configuration ----------------------------------------------------------------------
cat > "$W/bochsrc" <<EOF
config_interface: textconfig
display_library: term
megs: $MEGS
romimage: file=\$BXSHARE/BIOS-bochs-latest, options=fastboot
vgaromimage: file=/usr/share/vgabios/vgabios.bin
vga: extension=vbe, update_freq=1
cpu: model=$CPU, count=1, ips=$IPS, reset_on_triple_fault=0, ignore_bad_msrs=1
clock: sync=none, time0=local
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$W/boot.iso, status=inserted
ata1: enabled=0
boot: cdrom
floppy_bootsig_check: disabled=1
com1: enabled=1, mode=file, dev=$W/stdout
com2: enabled=1, mode=file, dev=$W/stderr
com3: enabled=1, mode=file, dev=$W/console
mouse: enabled=0
log: $W/bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
printf 'c\nquit\n' > "$W/dbg.rc"   # Debian's bochs-bin has the internal debugger compiled in

# ---- 5. run (the 'term' display needs a tty: script(1) provides a pty) --------------------------
T0=$(date +%s.%N)
TERM=vt100 timeout -k 5 $((TMO + 30)) script -qfec "timeout -k 5 $TMO $BOCHS_BIN -q -f $W/bochsrc -rc $W/dbg.rc" /dev/null \
  </dev/null >"$W/term.out" 2>&1 &
BPID=$!
wait $BPID && brc=0 || brc=$?
BPID=
T1=$(date +%s.%N)

[ -f "$W/stdout" ] && cat "$W/stdout"
[ -f "$W/stderr" ] && cat "$W/stderr" >&2
con=$(tr -d '\r' < "$W/console" 2>/dev/null || true)
if [ "$VERBOSE" = 1 ]; then
  echo "---- guest console ----" >&2; echo "$con" >&2
  awk -v a="$T0" -v b="$T1" -v c="$CPU" 'BEGIN { printf "run-in-bochs: wall %.1fs (cpu=%s)\n", b - a, c }' >&2
fi
code=$(printf '%s\n' "$con" | sed -n 's/^@@BOCHS_EXIT@@ \([0-9]*\).*/\1/p' | tail -1)
if [ -n "$code" ]; then
  sig=$(printf '%s\n' "$con" | sed -n 's/^@@BOCHS_SIGNAL@@ //p' | tail -1)
  [ -n "$sig" ] && echo "run-in-bochs: guest process killed by signal $sig" >&2
  exit "$code"
fi
if [ "$brc" = 124 ] || [ "$brc" = 137 ]; then
  echo "run-in-bochs: timeout after ${TMO}s" >&2; tail -5 "$W/console" >&2 2>/dev/null || true; exit 124
fi
echo "run-in-bochs: guest did not report an exit status (bochs rc=$brc). Last console lines / bochs log:" >&2
printf '%s\n' "$con" | tail -20 >&2
grep -a -E '>>PANIC<<|\[CPU0 *\] .*(exception|fault)' "$W/bochs.log" 2>/dev/null | tail -5 >&2 || true
exit 125
