//! ICMP echo, as iputils 20221126 `ping` sends and counts it.
//!
//! Sockets are created in the namespace natives act in (on a short-lived
//! thread via [`netns::run_in`] when `ip netns exec NS` set one): a raw
//! `IPPROTO_ICMP` socket as iputils uses when run as root, or the
//! unprivileged ICMP datagram socket when raw sockets are refused. A socket
//! keeps the namespace it was created in, so the rest of the run happens on
//! the caller's thread.
//!
//! The send/receive loop follows `ping_common.c: main_loop`, `pinger`,
//! `__schedule_exit`, `gather_statistics` and `ping.c:
//! ping4_receive_error_msg`, so that the same replies and errors are
//! counted the same way and the run ends at the same moment. Events are
//! handed to a callback as they happen (the output must be live); the
//! caller renders them with `output::ping`.

use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::io;
use std::mem::{size_of, zeroed};
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::backend::netns::{self, NetnsRef};
use crate::netcmd::ping::{PingCmd, PingSource};

// <linux/icmp.h>
const ICMP_ECHOREPLY: u8 = 0;
const ICMP_DEST_UNREACH: u8 = 3;
const ICMP_SOURCE_QUENCH: u8 = 4;
const ICMP_REDIRECT: u8 = 5;
const ICMP_ECHO: u8 = 8;
const ICMP_TIME_EXCEEDED: u8 = 11;
const ICMP_PARAMETERPROB: u8 = 12;
/// `setsockopt(SOL_RAW, ICMP_FILTER)` (<linux/icmp.h>).
const ICMP_FILTER: libc::c_int = 1;
// <linux/errqueue.h>
const SO_EE_ORIGIN_LOCAL: u8 = 1;
const SO_EE_ORIGIN_ICMP: u8 = 2;
/// iputils `MININTERVAL` (ms).
const MININTERVAL: u64 = 10;

/// iputils `SCHINT`.
fn schint(ms: u64) -> u64 {
    ms.max(MININTERVAL)
}

/// `sizeof(struct timeval)` on 64-bit Linux: the timestamp in the payload.
const TIMEVAL_LEN: usize = 16;

/// A fatal error, worded as iputils words it (printed as `ping: {self}`,
/// exit status 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PingError {
    #[error("{target}: {reason}")]
    #[diagnostic(code(nsh::ping::resolve))]
    Resolve { target: String, reason: String },
    #[error("{0}")]
    #[diagnostic(code(nsh::ping::socket))]
    Sys(String),
    #[error(transparent)]
    #[diagnostic(code(nsh::ping::netns))]
    Netns(#[from] netns::NetnsError),
}

/// Something `ping` reports while it runs.
#[derive(Clone, Debug, PartialEq)]
pub enum PingEvent {
    /// `PING host (addr) [from SRC DEV: ]N(M) bytes of data.`
    Header {
        hostname: String,
        addr: Ipv4Addr,
        /// Source address and device name when `-I` was given.
        from: Option<(Ipv4Addr, String)>,
        datalen: usize,
    },
    /// An echo reply.
    Reply {
        bytes: usize,
        from: String,
        seq: u16,
        ttl: i32,
        /// Round-trip time in microseconds, when the payload holds a stamp.
        time_us: Option<i64>,
        truncated: bool,
        dup: bool,
        wrong_source: bool,
    },
    /// An ICMP error about one of our probes (`From X icmp_seq=N …`).
    IcmpError {
        from: String,
        seq: u16,
        icmp_type: u8,
        code: u8,
        info: u32,
    },
    /// A message for stderr, without the `ping: ` prefix.
    Warn(String),
    /// The statistics block.
    Stats(PingStats),
}

/// The numbers of iputils' `finish()`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PingStats {
    pub hostname: String,
    pub transmitted: u64,
    pub received: u64,
    pub repeats: u64,
    pub errors: u64,
    /// Milliseconds between the start and the last probe sent.
    pub time_ms: i64,
    /// min/avg/max/mdev in microseconds, when timing and any replies.
    pub rtt: Option<(i64, i64, i64, i64)>,
    pub pipesize: i32,
    /// `ipg/ewma` (µs, ewma×8) for interval 0.
    pub ipg_ewma: Option<(i64, i64)>,
}

struct Resolved {
    addr: Ipv4Addr,
    hostname: String,
    numeric: bool,
}

/// `getaddrinfo` as iputils calls it (`AI_CANONNAME`), IPv4 results only.
fn resolve(target: &str) -> Result<Resolved, PingError> {
    let ctarget = CString::new(target).map_err(|_| PingError::Resolve {
        target: target.to_string(),
        reason: "Name or service not known".into(),
    })?;
    // SAFETY: addrinfo is plain old data; zero is "no hints".
    let mut hints: libc::addrinfo = unsafe { zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_DGRAM;
    hints.ai_protocol = libc::IPPROTO_UDP;
    hints.ai_flags = libc::AI_CANONNAME;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid C string and hints; `res` receives a list we free below.
    let rc = unsafe { libc::getaddrinfo(ctarget.as_ptr(), std::ptr::null(), &hints, &mut res) };
    if rc != 0 {
        // SAFETY: gai_strerror returns a static string.
        let reason = unsafe { CStr::from_ptr(libc::gai_strerror(rc)) };
        return Err(PingError::Resolve {
            target: target.to_string(),
            reason: reason.to_string_lossy().into_owned(),
        });
    }
    let mut found = None;
    let mut canon = None;
    let mut p = res;
    while !p.is_null() {
        // SAFETY: `p` walks the list getaddrinfo returned.
        let ai = unsafe { &*p };
        if canon.is_none() && !ai.ai_canonname.is_null() {
            // SAFETY: a NUL-terminated string owned by the list.
            canon = Some(
                unsafe { CStr::from_ptr(ai.ai_canonname) }
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        if found.is_none() && ai.ai_family == libc::AF_INET && !ai.ai_addr.is_null() {
            // SAFETY: an AF_INET result carries a sockaddr_in.
            let sin = unsafe { &*(ai.ai_addr as *const libc::sockaddr_in) };
            found = Some(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)));
        }
        p = ai.ai_next;
    }
    // SAFETY: `res` came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(res) };
    let Some(resolved) = found else {
        return Err(PingError::Sys(format!(
            "{target}: nsh's native ping supports IPv4 only"
        )));
    };
    // iputils ping4_run: a dotted address (inet_aton) is shown as given and
    // replies are not looked up.
    // SAFETY: in_addr is plain old data.
    let mut ina: libc::in_addr = unsafe { zeroed() };
    // SAFETY: valid C string and out-pointer.
    if unsafe { inet_aton(ctarget.as_ptr(), &mut ina) } == 1 {
        return Ok(Resolved {
            addr: Ipv4Addr::from(u32::from_be(ina.s_addr)),
            hostname: target.to_string(),
            numeric: true,
        });
    }
    Ok(Resolved {
        addr: resolved,
        hostname: canon.unwrap_or_default(),
        numeric: false,
    })
}

extern "C" {
    // <arpa/inet.h>; not exported by the libc crate.
    fn inet_aton(cp: *const libc::c_char, inp: *mut libc::in_addr) -> libc::c_int;
}

fn sockaddr(addr: Ipv4Addr, port: u16) -> libc::sockaddr_in {
    // SAFETY: sockaddr_in is plain old data.
    let mut sa: libc::sockaddr_in = unsafe { zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_port = port.to_be();
    sa.sin_addr.s_addr = u32::from(addr).to_be();
    sa
}

fn errno_text(e: &io::Error) -> String {
    crate::backend::sysctl::strerror(e)
}

fn setsockopt<T>(fd: RawFd, level: libc::c_int, name: libc::c_int, val: &T) -> io::Result<()> {
    // SAFETY: `val` points to a live T of the given size.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            val as *const T as *const libc::c_void,
            size_of::<T>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn new_socket(ty: libc::c_int, proto: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: plain socket(2) call.
    let fd = unsafe { libc::socket(libc::AF_INET, ty | libc::SOCK_CLOEXEC, proto) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The ICMP socket (raw when allowed) and iputils' UDP probe socket, both
/// created in the current thread's namespace.
fn open_sockets() -> io::Result<(OwnedFd, bool, OwnedFd)> {
    let (sock, raw) = match new_socket(libc::SOCK_RAW, libc::IPPROTO_ICMP) {
        Ok(s) => (s, true),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES)) => {
            (new_socket(libc::SOCK_DGRAM, libc::IPPROTO_ICMP)?, false)
        }
        Err(e) => return Err(e),
    };
    let probe = new_socket(libc::SOCK_DGRAM, 0)?;
    Ok((sock, raw, probe))
}

fn now_timeval() -> (i64, i64) {
    // SAFETY: timeval is plain old data filled by gettimeofday.
    let mut tv: libc::timeval = unsafe { zeroed() };
    // SAFETY: valid out-pointer; no timezone.
    unsafe { libc::gettimeofday(&mut tv, std::ptr::null_mut()) };
    (tv.tv_sec, tv.tv_usec)
}

fn in_cksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for ch in data.chunks(2) {
        let w = if ch.len() == 2 {
            u16::from_ne_bytes([ch[0], ch[1]])
        } else {
            u16::from_ne_bytes([ch[0], 0])
        };
        sum += u32::from(w);
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// iputils `llsqrt`.
fn llsqrt(a: i64) -> i64 {
    let mut prev = i64::MAX;
    let mut x = a;
    if x > 0 {
        while x < prev {
            prev = x;
            x = (x + a / x) / 2;
        }
    }
    x
}

/// Set by the SIGINT handler installed while ping runs (iputils
/// `sigexit`): Ctrl-C ends the run with the statistics, as iputils does.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// SIGINT → [`INTERRUPTED`] for the lifetime of the guard; the previous
/// disposition (the shell's) is restored on drop.
struct SigintGuard {
    old: libc::sigaction,
}

impl SigintGuard {
    fn install() -> Option<SigintGuard> {
        INTERRUPTED.store(false, Ordering::SeqCst);
        // SAFETY: sigaction structs are plain old data; the handler only
        // stores to an atomic (async-signal-safe). No SA_RESTART, so poll()
        // returns EINTR and the loop sees the flag.
        unsafe {
            let mut sa: libc::sigaction = zeroed();
            sa.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut sa.sa_mask);
            let mut old: libc::sigaction = zeroed();
            if libc::sigaction(libc::SIGINT, &sa, &mut old) != 0 {
                return None;
            }
            // iputils installs its handler even where SIGINT was ignored
            // (a background job of a non-interactive shell); so do we.
            Some(SigintGuard { old })
        }
    }
}

impl Drop for SigintGuard {
    fn drop(&mut self) {
        // SAFETY: restores the disposition saved by `install`.
        unsafe { libc::sigaction(libc::SIGINT, &self.old, std::ptr::null_mut()) };
    }
}

struct Run<'a, F: FnMut(PingEvent) -> io::Result<()>> {
    cmd: &'a PingCmd,
    fd: OwnedFd,
    raw: bool,
    dst: Ipv4Addr,
    numeric: bool,
    ident: u16,
    emit: F,
    /// The output is gone (EPIPE): stop as a SIGPIPE would.
    broken: bool,
    /// Consecutive sends refused for lack of buffer space.
    oom_count: u64,
    ntransmitted: u64,
    nreceived: u64,
    nrepeats: u64,
    nerrors: u64,
    tmin: i64,
    tmax: i64,
    tsum: i64,
    tsum2: f64,
    rtt: i64,
    pipesize: i32,
    acked: u16,
    confirm: bool,
    seen: HashSet<u16>,
}

/// Equivalent to `ping …` (IPv4) in `netns` (or the current namespace):
/// calls `emit` for each event as it happens (an error from it ends the
/// run) and returns the exit status.
pub fn ping(
    cmd: &PingCmd,
    netns: Option<&NetnsRef>,
    emit: impl FnMut(PingEvent) -> io::Result<()>,
) -> Result<i32, PingError> {
    let target = resolve(&cmd.target)?;
    let sockets = match netns {
        Some(ns) => netns::run_in(ns, open_sockets)?,
        None => open_sockets(),
    };
    let (fd, raw, probe) =
        sockets.map_err(|e| PingError::Sys(format!("socket: {}", errno_text(&e))))?;
    let numeric = target.numeric || cmd.numeric;

    // ping4_run: pick the source address with a connected UDP probe.
    let (device, strict_source) = match &cmd.iface {
        Some(PingSource::Device(d)) => (Some(d.clone()), None),
        Some(PingSource::Addr(a)) => (None, Some(*a)),
        None => (None, None),
    };
    let bind_dev = |fd: RawFd, dev: &str| -> Result<(), PingError> {
        let c = CString::new(dev).map_err(|_| PingError::Sys("bad device".into()))?;
        let bytes = c.as_bytes_with_nul();
        // SAFETY: `bytes` is a live buffer of the given length.
        let rc = unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_BINDTODEVICE,
                bytes.as_ptr() as *const libc::c_void,
                bytes.len() as libc::socklen_t,
            )
        };
        if rc < 0 {
            let e = io::Error::last_os_error();
            return Err(PingError::Sys(format!(
                "SO_BINDTODEVICE {dev}: {}",
                errno_text(&e)
            )));
        }
        Ok(())
    };
    let source = match strict_source {
        Some(a) => a,
        None => {
            if let Some(dev) = &device {
                bind_dev(probe.as_raw_fd(), dev)?;
                bind_dev(fd.as_raw_fd(), dev)?;
            }
            let sa = sockaddr(target.addr, 1025);
            // SAFETY: a valid sockaddr_in of the given size.
            let rc = unsafe {
                libc::connect(
                    probe.as_raw_fd(),
                    &sa as *const _ as *const libc::sockaddr,
                    size_of::<libc::sockaddr_in>() as libc::socklen_t,
                )
            };
            if rc < 0 {
                let e = io::Error::last_os_error();
                if e.raw_os_error() == Some(libc::EACCES) {
                    return Err(PingError::Sys(
                        "Do you want to ping broadcast? Then -b. If not, check your local firewall rules".into(),
                    ));
                }
                return Err(PingError::Sys(format!("connect: {}", errno_text(&e))));
            }
            // SAFETY: sockaddr_in is plain old data.
            let mut local: libc::sockaddr_in = unsafe { zeroed() };
            let mut len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
            // SAFETY: valid out-pointers of the given size.
            let rc = unsafe {
                libc::getsockname(
                    probe.as_raw_fd(),
                    &mut local as *mut _ as *mut libc::sockaddr,
                    &mut len,
                )
            };
            if rc < 0 {
                let e = io::Error::last_os_error();
                return Err(PingError::Sys(format!("getsockname: {}", errno_text(&e))));
            }
            Ipv4Addr::from(u32::from_be(local.sin_addr.s_addr))
        }
    };
    drop(probe);
    let dst = if target.addr.is_unspecified() {
        source
    } else {
        target.addr
    };
    if let Some(src) = strict_source {
        let sa = sockaddr(src, 0);
        // SAFETY: a valid sockaddr_in of the given size.
        let rc = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &sa as *const _ as *const libc::sockaddr,
                size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            let e = io::Error::last_os_error();
            return Err(PingError::Sys(format!("bind: {}", errno_text(&e))));
        }
    }
    if raw {
        let mask: u32 = !((1 << ICMP_SOURCE_QUENCH)
            | (1 << ICMP_DEST_UNREACH)
            | (1 << ICMP_TIME_EXCEEDED)
            | (1 << ICMP_PARAMETERPROB)
            | (1 << ICMP_REDIRECT)
            | (1 << ICMP_ECHOREPLY));
        let _ = setsockopt(fd.as_raw_fd(), libc::SOL_RAW, ICMP_FILTER, &mask);
    }
    let one: libc::c_int = 1;
    let _ = setsockopt(fd.as_raw_fd(), libc::SOL_IP, libc::IP_RECVERR, &one);
    // iputils sock_setbufs: a send buffer of about one packet, so probes
    // stuck waiting for a neighbour soon fill it (ENOBUFS) and are counted
    // as iputils counts them.
    let packet = (cmd.size + 8) as libc::c_int;
    let sndbuf = packet + ((packet + 511) / 512) * (20 + 16 + 64 + 160);
    let _ = setsockopt(fd.as_raw_fd(), libc::SOL_SOCKET, libc::SO_SNDBUF, &sndbuf);
    let rcvbuf: libc::c_int = sndbuf.max(65536);
    let _ = setsockopt(fd.as_raw_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF, &rcvbuf);
    if !raw {
        let _ = setsockopt(fd.as_raw_fd(), libc::SOL_IP, libc::IP_RECVTTL, &one);
    }
    // SAFETY: plain getpid/time calls for a random-enough identifier.
    let ident = (unsafe { libc::getpid() } as u32 ^ now_timeval().1 as u32) as u16;

    let mut emit = emit;
    let header = emit(PingEvent::Header {
        hostname: target.hostname.clone(),
        addr: dst,
        from: (device.is_some() || strict_source.is_some())
            .then(|| (source, device.clone().unwrap_or_default())),
        datalen: cmd.size,
    });
    let mut run = Run {
        cmd,
        fd,
        raw,
        dst,
        numeric,
        ident,
        emit,
        broken: header.is_err(),
        oom_count: 0,
        ntransmitted: 0,
        nreceived: 0,
        nrepeats: 0,
        nerrors: 0,
        tmin: i64::MAX,
        tmax: 0,
        tsum: 0,
        tsum2: 0.0,
        rtt: 0,
        pipesize: -1,
        acked: 0,
        confirm: false,
        seen: HashSet::new(),
    };
    Ok(run.main_loop(&target.hostname))
}

impl<F: FnMut(PingEvent) -> io::Result<()>> Run<'_, F> {
    /// Hand an event to the caller; a failed write (a closed pipe, as in
    /// `ping … | head -2`) ends the run, where iputils would die of SIGPIPE.
    fn out(&mut self, ev: PingEvent) {
        if (self.emit)(ev).is_err() {
            self.broken = true;
        }
    }

    fn timing(&self) -> bool {
        self.cmd.size >= TIMEVAL_LEN
    }

    /// iputils `pr_addr`: numeric, or `name (addr)` from a reverse lookup.
    fn pr_addr(&self, a: Ipv4Addr) -> String {
        if self.numeric {
            return a.to_string();
        }
        let sa = sockaddr(a, 0);
        let mut name = [0 as libc::c_char; 1025];
        // SAFETY: valid sockaddr and output buffer of the given size.
        let rc = unsafe {
            libc::getnameinfo(
                &sa as *const _ as *const libc::sockaddr,
                size_of::<libc::sockaddr_in>() as libc::socklen_t,
                name.as_mut_ptr(),
                name.len() as libc::socklen_t,
                std::ptr::null_mut(),
                0,
                0,
            )
        };
        if rc != 0 || name[0] == 0 {
            return a.to_string();
        }
        // SAFETY: getnameinfo wrote a NUL-terminated string.
        let n = unsafe { CStr::from_ptr(name.as_ptr()) }.to_string_lossy();
        format!("{n} ({a})")
    }

    /// iputils `acknowledge`.
    fn acknowledge(&mut self, seq: u16) {
        let diff = (self.ntransmitted as u16).wrapping_sub(seq);
        if diff <= 0x7fff {
            if i32::from(diff) + 1 > self.pipesize {
                self.pipesize = i32::from(diff) + 1;
            }
            if (seq.wrapping_sub(self.acked) as i16) > 0
                || (self.ntransmitted as u16).wrapping_sub(self.acked) > 0x7fff
            {
                self.acked = seq;
            }
        }
    }

    fn send_probe(&mut self) -> io::Result<()> {
        let seq = (self.ntransmitted + 1) as u16;
        let mut pkt = vec![0u8; 8 + self.cmd.size];
        pkt[0] = ICMP_ECHO;
        pkt[4..6].copy_from_slice(&self.ident.to_be_bytes());
        pkt[6..8].copy_from_slice(&seq.to_be_bytes());
        for (i, b) in pkt[8..].iter_mut().enumerate() {
            *b = i as u8;
        }
        if self.timing() {
            let (s, us) = now_timeval();
            pkt[8..16].copy_from_slice(&s.to_ne_bytes());
            pkt[16..24].copy_from_slice(&us.to_ne_bytes());
        }
        let ck = in_cksum(&pkt);
        pkt[2..4].copy_from_slice(&ck.to_ne_bytes());
        let sa = sockaddr(self.dst, 0);
        let flags = if self.confirm { libc::MSG_CONFIRM } else { 0 };
        self.confirm = false;
        // SAFETY: valid buffer and destination address.
        let rc = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                pkt.as_ptr() as *const libc::c_void,
                pkt.len(),
                flags,
                &sa as *const _ as *const libc::sockaddr,
                size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// iputils `pinger` minus the token bucket (our caller schedules):
    /// `Some(wait)` when the probe could not be queued and should be tried
    /// again after `wait` (a full socket buffer), else `None`.
    fn pinger(&mut self) -> Option<Duration> {
        let e = match self.send_probe() {
            Ok(()) => {
                self.oom_count = 0;
                self.ntransmitted += 1;
                return None;
            }
            Err(e) => e,
        };
        let errno = e.raw_os_error().unwrap_or(0);
        if errno == libc::ENOBUFS || errno == libc::ENOMEM {
            // Device queue or socket buffer full: not sent; retry soon,
            // until that has lasted the linger time.
            let nores = (schint(self.cmd.interval_ms / 2)).min(500);
            self.oom_count += 1;
            if self.oom_count * nores < self.cmd.linger_ms {
                return Some(Duration::from_millis(nores));
            }
        } else if errno == libc::EAGAIN {
            return Some(Duration::from_millis(MININTERVAL));
        } else if self.receive_error_msg() < 0 {
            // Hard local error already reported (or nothing queued):
            // counted, not printed.
            self.ntransmitted += 1;
            return None;
        }
        // Hard local error: pretend we sent it.
        self.ntransmitted += 1;
        if !self.cmd.quiet {
            self.out(PingEvent::Warn(format!("sendmsg: {}", errno_text(&e))));
        }
        None
    }

    /// iputils `ping4_receive_error_msg`: > 0 when an ICMP error about
    /// one of our probes was read.
    fn receive_error_msg(&mut self) -> i32 {
        let mut icmph = [0u8; 8];
        let mut cbuf = [0u64; 64];
        // SAFETY: plain old data.
        let mut target: libc::sockaddr_in = unsafe { zeroed() };
        let mut iov = libc::iovec {
            iov_base: icmph.as_mut_ptr() as *mut libc::c_void,
            iov_len: icmph.len(),
        };
        // SAFETY: plain old data.
        let mut msg: libc::msghdr = unsafe { zeroed() };
        msg.msg_name = &mut target as *mut _ as *mut libc::c_void;
        msg.msg_namelen = size_of::<libc::sockaddr_in>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = size_of::<[u64; 64]>();
        // SAFETY: every pointer in `msg` refers to a live local buffer.
        let res = unsafe {
            libc::recvmsg(
                self.fd.as_raw_fd(),
                &mut msg,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
            )
        };
        if res < 0 {
            return -1;
        }
        let mut ee: Option<(libc::sock_extended_err, Ipv4Addr)> = None;
        // SAFETY: walking the control buffer recvmsg filled, with the libc
        // CMSG macros; the data of an IP_RECVERR message is a
        // sock_extended_err followed by the offender's sockaddr_in.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_IP && (*c).cmsg_type == libc::IP_RECVERR {
                    let data = libc::CMSG_DATA(c);
                    let e = std::ptr::read_unaligned(data as *const libc::sock_extended_err);
                    let off =
                        std::ptr::read_unaligned(data.add(size_of::<libc::sock_extended_err>())
                            as *const libc::sockaddr_in);
                    ee = Some((e, Ipv4Addr::from(u32::from_be(off.sin_addr.s_addr))));
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        let Some((e, offender)) = ee else { return 0 };
        if e.ee_origin == SO_EE_ORIGIN_LOCAL {
            if !self.cmd.quiet {
                let m = if e.ee_errno as i32 == libc::EMSGSIZE {
                    format!("local error: message too long, mtu={}", e.ee_info)
                } else {
                    format!(
                        "local error: {}",
                        errno_text(&io::Error::from_raw_os_error(e.ee_errno as i32))
                    )
                };
                self.out(PingEvent::Warn(m));
                self.nerrors += 1;
            }
            return -1;
        }
        if e.ee_origin != SO_EE_ORIGIN_ICMP {
            return 0;
        }
        let seq = u16::from_be_bytes([icmph[6], icmph[7]]);
        let id = u16::from_be_bytes([icmph[4], icmph[5]]);
        let to = Ipv4Addr::from(u32::from_be(target.sin_addr.s_addr));
        if (res as usize) < 8 || to != self.dst || icmph[0] != ICMP_ECHO || !self.is_ours(id) {
            return 0;
        }
        self.acknowledge(seq);
        if self.raw {
            let mask: u32 =
                !((1 << ICMP_SOURCE_QUENCH) | (1 << ICMP_REDIRECT) | (1 << ICMP_ECHOREPLY));
            let _ = setsockopt(self.fd.as_raw_fd(), libc::SOL_RAW, ICMP_FILTER, &mask);
        }
        self.nerrors += 1;
        if !self.cmd.quiet {
            let from = self.pr_addr(offender);
            self.out(PingEvent::IcmpError {
                from,
                seq,
                icmp_type: e.ee_type,
                code: e.ee_code,
                info: e.ee_info,
            });
        }
        1
    }

    /// iputils `in_flight`.
    fn in_flight(&self) -> u64 {
        let diff = (self.ntransmitted as u16).wrapping_sub(self.acked);
        if diff <= 0x7fff {
            u64::from(diff)
        } else {
            self.ntransmitted
                .saturating_sub(self.nreceived + self.nerrors)
        }
    }

    fn is_ours(&self, id: u16) -> bool {
        !self.raw || id == self.ident
    }

    /// Read one packet (non-blocking). Returns false when nothing was
    /// queued.
    fn receive(&mut self, pollerr: bool) -> bool {
        let mut buf = vec![0u8; self.cmd.size + 60 + 76 + 8];
        let mut cbuf = [0u64; 64];
        // SAFETY: plain old data.
        let mut from: libc::sockaddr_in = unsafe { zeroed() };
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr() as *mut libc::c_void,
            iov_len: buf.len(),
        };
        // SAFETY: plain old data.
        let mut msg: libc::msghdr = unsafe { zeroed() };
        msg.msg_name = &mut from as *mut _ as *mut libc::c_void;
        msg.msg_namelen = size_of::<libc::sockaddr_in>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = size_of::<[u64; 64]>();
        // SAFETY: every pointer in `msg` refers to a live local buffer.
        let cc = unsafe { libc::recvmsg(self.fd.as_raw_fd(), &mut msg, libc::MSG_DONTWAIT) };
        if cc < 0 {
            // iputils main_loop: without POLLERR, nothing queued means
            // back to the pinger; otherwise read the error queue.
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EAGAIN) && !pollerr {
                return false;
            }
            return self.receive_error_msg() > 0;
        }
        let (rs, rus) = now_timeval();
        let mut cc = cc as usize;
        let from_addr = Ipv4Addr::from(u32::from_be(from.sin_addr.s_addr));
        let (hlen, ttl) = if self.raw {
            let ihl = usize::from(buf[0] & 0x0f) * 4;
            if cc < ihl + 8 || ihl < 20 {
                return true;
            }
            (ihl, i32::from(buf[8]))
        } else {
            let mut ttl = 0;
            // SAFETY: walking the control buffer recvmsg filled; IP_TTL
            // carries an int.
            unsafe {
                let mut c = libc::CMSG_FIRSTHDR(&msg);
                while !c.is_null() {
                    if (*c).cmsg_level == libc::SOL_IP && (*c).cmsg_type == libc::IP_TTL {
                        ttl = i32::from(*libc::CMSG_DATA(c));
                    }
                    c = libc::CMSG_NXTHDR(&msg, c);
                }
            }
            (0, ttl)
        };
        cc -= hlen;
        let icp = &buf[hlen..hlen + cc];
        if cc < 8 {
            return true;
        }
        match icp[0] {
            ICMP_ECHOREPLY => {
                let id = u16::from_be_bytes([icp[4], icp[5]]);
                if !self.is_ours(id) {
                    return true;
                }
                let seq = u16::from_be_bytes([icp[6], icp[7]]);
                let wrong_source = from_addr != self.dst;
                self.gather(icp, cc, seq, ttl, (rs, rus), from_addr, wrong_source);
            }
            // Errors are counted from the error queue (IP_RECVERR); an
            // error packet about one of our probes is only acknowledged.
            ICMP_DEST_UNREACH | ICMP_TIME_EXCEEDED | ICMP_PARAMETERPROB if cc >= 8 + 20 + 8 => {
                let inner = &icp[8..];
                let ihl = usize::from(inner[0] & 0x0f) * 4;
                if ihl >= 20 && cc >= 8 + ihl + 8 && inner[ihl] == ICMP_ECHO {
                    let id = u16::from_be_bytes([inner[ihl + 4], inner[ihl + 5]]);
                    let daddr = Ipv4Addr::new(inner[16], inner[17], inner[18], inner[19]);
                    if daddr == self.dst && self.is_ours(id) {
                        let seq = u16::from_be_bytes([inner[ihl + 6], inner[ihl + 7]]);
                        self.acknowledge(seq);
                    }
                }
            }
            _ => {}
        }
        true
    }

    /// iputils `gather_statistics`.
    #[allow(clippy::too_many_arguments)]
    fn gather(
        &mut self,
        icp: &[u8],
        cc: usize,
        seq: u16,
        ttl: i32,
        now: (i64, i64),
        from: Ipv4Addr,
        wrong_source: bool,
    ) {
        self.nreceived += 1;
        self.acknowledge(seq);
        let mut time_us = None;
        if self.timing() && cc >= 8 + TIMEVAL_LEN {
            let mut s = [0u8; 8];
            let mut u = [0u8; 8];
            s.copy_from_slice(&icp[8..16]);
            u.copy_from_slice(&icp[16..24]);
            let (ss, su) = (i64::from_ne_bytes(s), i64::from_ne_bytes(u));
            let triptime = ((now.0 - ss) * 1_000_000 + (now.1 - su)).max(0);
            self.tsum += triptime;
            self.tsum2 += (triptime as f64) * (triptime as f64);
            self.tmin = self.tmin.min(triptime);
            self.tmax = self.tmax.max(triptime);
            if self.rtt == 0 {
                self.rtt = triptime * 8;
            } else {
                self.rtt += triptime - self.rtt / 8;
            }
            time_us = Some(triptime);
        }
        let dup = !self.seen.insert(seq);
        if dup {
            self.nrepeats += 1;
            self.nreceived -= 1;
        }
        self.confirm = true;
        if self.cmd.quiet {
            return;
        }
        let from = self.pr_addr(from);
        let truncated = cc < self.cmd.size + 8;
        self.out(PingEvent::Reply {
            bytes: cc,
            from,
            seq,
            ttl,
            time_us: if truncated { None } else { time_us },
            truncated,
            dup,
            wrong_source,
        });
    }

    fn main_loop(&mut self, hostname: &str) -> i32 {
        let _sigint = SigintGuard::install();
        let start = Instant::now();
        let interval = Duration::from_millis(self.cmd.interval_ms);
        let deadline_at =
            (self.cmd.deadline_s > 0).then(|| start + Duration::from_secs(self.cmd.deadline_s));
        let count = self.cmd.count;
        let has_deadline = self.cmd.deadline_s > 0;
        let mut next_send = start;
        let mut last_send = start;
        let mut linger_at: Option<Instant> = None;
        loop {
            if self.broken {
                // 128 + SIGPIPE, the status of a ping killed by SIGPIPE.
                return 128 + libc::SIGPIPE;
            }
            let now = Instant::now();
            if INTERRUPTED.load(Ordering::SeqCst)
                || deadline_at.is_some_and(|d| now >= d)
                || linger_at.is_some_and(|l| now >= l)
            {
                break;
            }
            if count > 0 && self.nreceived + self.nerrors >= count {
                break;
            }
            if has_deadline && self.nerrors > 0 {
                break;
            }
            let done_sending = count > 0 && self.ntransmitted >= count && !has_deadline;
            if !done_sending && now >= next_send {
                let retry = self.pinger();
                last_send = Instant::now();
                next_send = if let Some(wait) = retry {
                    last_send + wait
                } else if interval.is_zero() {
                    last_send
                } else {
                    next_send + interval
                };
                if next_send < last_send && !interval.is_zero() {
                    // Never try to catch up more than one probe.
                    next_send = last_send;
                }
            }
            let done_sending = count > 0 && self.ntransmitted >= count && !has_deadline;
            if done_sending && linger_at.is_none() {
                // iputils __schedule_exit.
                let wait_us = if self.nreceived > 0 {
                    (2 * self.tmax as u64).max(1000 * self.cmd.interval_ms)
                } else {
                    self.cmd.linger_ms * 1000
                };
                linger_at = Some(Instant::now() + Duration::from_micros(wait_us));
            }
            // Wait for a reply until the next thing is due.
            let mut until = linger_at.into_iter().chain(deadline_at).min();
            if !done_sending {
                until = Some(until.map_or(next_send, |u| u.min(next_send)));
            }
            let timeout_ms = until.map_or(-1, |u| {
                let d = u.saturating_duration_since(Instant::now());
                // Round up so we do not spin just before the moment.
                (d.as_micros().div_ceil(1000)).min(i32::MAX as u128) as i32
            });
            let mut pfd = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
            if n < 1 || pfd.revents & (libc::POLLIN | libc::POLLERR) == 0 {
                continue;
            }
            // iputils main_loop: read until nothing is queued or nothing
            // is in flight any more.
            let mut pollerr = pfd.revents & libc::POLLERR != 0;
            while self.receive(pollerr) {
                pollerr = false;
                if self.in_flight() == 0 {
                    break;
                }
            }
        }
        let elapsed = last_send.saturating_duration_since(start);
        let time_ms = elapsed.as_secs() as i64 * 1000
            + (i64::from(elapsed.subsec_nanos()) + 500_000) / 1_000_000;
        let rtt = (self.nreceived > 0 && self.timing()).then(|| {
            let total = (self.nreceived + self.nrepeats) as i64;
            let tmavg = self.tsum / total;
            let tmvar = if self.tsum < i64::from(i32::MAX) {
                ((self.tsum2 - ((self.tsum * self.tsum) / total) as f64) / total as f64) as i64
            } else {
                (self.tsum2 / total as f64) as i64 - tmavg * tmavg
            };
            (self.tmin, tmavg, self.tmax, llsqrt(tmvar))
        });
        let ipg_ewma = (self.nreceived > 0 && self.cmd.interval_ms == 0 && self.ntransmitted > 1)
            .then(|| {
                let us = elapsed.as_micros() as i64;
                (us / (self.ntransmitted as i64 - 1), self.rtt)
            });
        self.out(PingEvent::Stats(PingStats {
            hostname: hostname.to_string(),
            transmitted: self.ntransmitted,
            received: self.nreceived,
            repeats: self.nrepeats,
            errors: self.nerrors,
            time_ms,
            rtt,
            pipesize: self.pipesize,
            ipg_ewma,
        }));
        i32::from(self.nreceived == 0 || (has_deadline && self.nreceived < count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_of_echo_header() {
        // type 8, code 0, cksum 0, id 0x1234, seq 1 → ~(0x0800+0x1234+0x0001)
        let pkt = [8u8, 0, 0, 0, 0x12, 0x34, 0, 1];
        let ck = in_cksum(&pkt);
        assert_eq!(u16::from_be(ck), !(0x0800u16 + 0x1234 + 0x0001));
    }

    #[test]
    fn integer_sqrt() {
        assert_eq!(llsqrt(0), 0);
        assert_eq!(llsqrt(4489), 67);
        assert_eq!(llsqrt(4490), 67);
    }
}
