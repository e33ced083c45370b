//! `ping` argv → [`PingCmd`]. Pure: no I/O.
//!
//! iputils 20221126 `ping/ping.c: main` parses with glibc `getopt` (operands
//! permuted behind options) and converts numbers with `strtol_or_err` and
//! `ping_strtod`, whose messages we reproduce. The options nsh implements
//! are the ones tutorials use: `-c -i -W -w -q -I -s -n -4` (plus `-h`, `-V`,
//! `-v`); any other valid iputils option is refused with a clear message
//! rather than silently ignored.

use std::net::Ipv4Addr;

/// Equivalent to `ping [-c N] [-i SEC] [-W SEC] [-w SEC] [-q] [-I IF|ADDR]
/// [-s SIZE] [-n] [-4] HOST`.
#[derive(Clone, Debug, PartialEq)]
pub struct PingCmd {
    /// `-c`: stop after this many replies (iputils `npackets`; 0 = no limit).
    pub count: u64,
    /// `-i`: milliseconds between probes (iputils `interval`).
    pub interval_ms: u64,
    /// `-W`: milliseconds to wait for a reply when none came (`lingertime`).
    pub linger_ms: u64,
    /// `-w`: seconds before ping exits whatever happens (`deadline`).
    pub deadline_s: u64,
    /// `-q`.
    pub quiet: bool,
    /// `-n`.
    pub numeric: bool,
    /// `-I`: a device name, or a source address.
    pub iface: Option<PingSource>,
    /// `-s`: ICMP payload bytes (`datalen`).
    pub size: usize,
    /// `-4`.
    pub ipv4_only: bool,
    /// The destination (iputils uses the last operand).
    pub target: String,
    /// Warnings iputils prints on stderr while parsing, then goes on
    /// (`option argument contains garbage`).
    pub warnings: String,
}

/// The argument of `-I`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PingSource {
    Device(String),
    Addr(Ipv4Addr),
}

/// What `ping`'s arguments ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum PingParse {
    Run(PingCmd),
    /// Print `stdout` and `stderr` and exit with `status` (usage, version,
    /// argument errors).
    Exit {
        stdout: String,
        stderr: String,
        status: i32,
    },
}

/// iputils `usage()` (on stderr, status 2).
pub const USAGE: &str = "
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -C                 call connect() syscall on socket creation
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -e <identifier>    define identifier for ping session, default is random for
                     SOCK_RAW and kernel defined for SOCK_DGRAM
                     Imply using SOCK_RAW (for IPv4 only for identifier 0)
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
";

/// `ping -V`.
pub const VERSION: &str = "ping from iputils 20221126\nlibcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n";

/// iputils' getopt string: options taking an argument.
const WITH_ARG: &str = "TFNceiIlmMpQsStwW";
/// Options without an argument.
const FLAGS: &str = "h?4bR6aABCdDfHLnOqrUvV";

fn fail(status: i32, msg: String) -> PingParse {
    PingParse::Exit {
        stdout: String::new(),
        stderr: format!("ping: {msg}\n"),
        status,
    }
}

/// iputils `strtol_or_err`.
fn strtol_or_err(s: &str, min: i64, max: i64) -> Result<i64, PingParse> {
    let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let digits = t.strip_prefix('+').unwrap_or(t);
    let valid = !digits.is_empty()
        && digits
            .strip_prefix('-')
            .unwrap_or(digits)
            .chars()
            .all(|c| c.is_ascii_digit())
        && digits != "-";
    if !valid {
        return Err(fail(1, format!("invalid argument: '{s}'")));
    }
    let n: i64 = digits.parse().map_err(|_| {
        fail(
            1,
            format!("invalid argument: '{s}': Numerical result out of range"),
        )
    })?;
    if n < min || n > max {
        return Err(fail(
            1,
            format!("invalid argument: '{s}': out of range: {min} <= value <= {max}"),
        ));
    }
    Ok(n)
}

/// iputils `ping_strtod` (garbage after the number only warns).
fn ping_strtod(s: &str, what: &str, warnings: &mut String) -> Result<f64, PingParse> {
    let t = s.trim_start_matches(|c: char| c.is_ascii_whitespace());
    // Longest prefix that parses as a decimal float.
    let mut end = 0;
    let mut val = None;
    for i in (1..=t.len()).rev() {
        if !t.is_char_boundary(i) {
            continue;
        }
        let p = &t[..i];
        if p.ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        if let Ok(v) = p.parse::<f64>() {
            if p.chars().any(|c| c.is_ascii_digit()) && !p.contains("inf") && !p.contains("nan") {
                end = i;
                val = Some(v);
                break;
            }
        }
    }
    let Some(v) = val else {
        return Err(fail(2, format!("{what}: {s}")));
    };
    if end < t.len() {
        warnings.push_str(&format!(
            "ping: option argument contains garbage: {}\nping: this will become fatal error in the future\n",
            &t[end..]
        ));
    }
    if !v.is_finite() {
        return Err(fail(
            2,
            format!("{what}: {s}: Numerical result out of range"),
        ));
    }
    Ok(v)
}

/// Parse `ping`'s arguments (without the command name).
pub fn parse(args: &[&str]) -> PingParse {
    match parse_inner(args) {
        Ok(p) | Err(p) => p,
    }
}

fn parse_inner(args: &[&str]) -> Result<PingParse, PingParse> {
    let mut cmd = PingCmd {
        count: 0,
        interval_ms: 1000,
        linger_ms: 10_000,
        deadline_s: 0,
        quiet: false,
        numeric: false,
        iface: None,
        size: 56,
        ipv4_only: false,
        target: String::new(),
        warnings: String::new(),
    };
    let mut warnings = String::new();
    let mut operands: Vec<&str> = Vec::new();
    let usage = |err: Option<String>| PingParse::Exit {
        stdout: String::new(),
        stderr: format!(
            "{}{USAGE}",
            err.map(|e| format!("ping: {e}\n")).unwrap_or_default()
        ),
        status: 2,
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if a == "--" {
            operands.extend(&args[i..]);
            break;
        }
        if a.len() < 2 || !a.starts_with('-') {
            operands.push(a);
            continue;
        }
        if a.starts_with("--") {
            return Err(usage(Some(format!("unrecognized option '{a}'"))));
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let arg = if WITH_ARG.contains(c) {
                let rest: String = chars[j..].iter().collect();
                j = chars.len();
                if !rest.is_empty() {
                    rest
                } else if i < args.len() {
                    i += 1;
                    args[i - 1].to_string()
                } else {
                    return Err(usage(Some(format!("option requires an argument -- '{c}'"))));
                }
            } else if FLAGS.contains(c) {
                String::new()
            } else {
                return Err(usage(Some(format!("invalid option -- '{c}'"))));
            };
            match c {
                'c' => cmd.count = strtol_or_err(&arg, 1, i64::MAX)? as u64,
                'i' => {
                    let v = ping_strtod(&arg, "bad timing interval", &mut warnings)?;
                    if v > f64::from(i32::MAX) / 1000.0 {
                        return Err(fail(2, format!("bad timing interval: {arg}")));
                    }
                    cmd.interval_ms = ((v * 1000.0) as i32).max(0) as u64;
                }
                'W' => {
                    let v = ping_strtod(&arg, "bad linger time", &mut warnings)?;
                    if v < 0.0 || v > f64::from(i32::MAX) / 1000.0 {
                        return Err(fail(2, format!("bad linger time: {arg}")));
                    }
                    cmd.linger_ms = (v * 1000.0) as u64;
                }
                'w' => cmd.deadline_s = strtol_or_err(&arg, 0, i64::from(i32::MAX))? as u64,
                's' => cmd.size = strtol_or_err(&arg, 0, i64::from(i32::MAX))? as usize,
                'q' => cmd.quiet = true,
                'n' => cmd.numeric = true,
                '4' => cmd.ipv4_only = true,
                'v' => {}
                'I' => {
                    cmd.iface = Some(match arg.parse::<Ipv4Addr>() {
                        Ok(a) => PingSource::Addr(a),
                        Err(_) => PingSource::Device(arg),
                    })
                }
                'h' | '?' => return Err(usage(None)),
                'V' => {
                    return Ok(PingParse::Exit {
                        stdout: VERSION.to_string(),
                        stderr: String::new(),
                        status: 0,
                    })
                }
                other => {
                    return Err(fail(
                        2,
                        format!("option -{other} is not supported by nsh's native ping"),
                    ))
                }
            }
        }
    }
    let Some(last) = operands.last() else {
        return Err(fail(1, "usage error: Destination address required".into()));
    };
    if operands.len() > 1 {
        return Err(fail(
            2,
            "several hosts (source routing) are not supported by nsh's native ping".into(),
        ));
    }
    cmd.warnings = warnings;
    cmd.target = last.to_string();
    Ok(PingParse::Run(cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(a: &[&str]) -> PingCmd {
        match parse(a) {
            PingParse::Run(c) => c,
            other => panic!("{other:?}"),
        }
    }

    fn exit(a: &[&str]) -> (String, i32) {
        match parse(a) {
            PingParse::Exit { stderr, status, .. } => (stderr, status),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn options_and_permuted_target() {
        let c = run(&[
            "10.0.0.2", "-c", "2", "-i0.2", "-q", "-I", "veth0", "-W", "1",
        ]);
        assert_eq!(c.target, "10.0.0.2");
        assert_eq!((c.count, c.interval_ms, c.linger_ms), (2, 200, 1000));
        assert!(c.quiet);
        assert_eq!(c.iface, Some(PingSource::Device("veth0".into())));
        let c = run(&["-I", "10.0.0.1", "x"]);
        assert_eq!(c.iface, Some(PingSource::Addr(Ipv4Addr::new(10, 0, 0, 1))));
    }

    #[test]
    fn iputils_messages() {
        assert_eq!(
            exit(&[]),
            (
                "ping: usage error: Destination address required\n".into(),
                1
            )
        );
        assert_eq!(
            exit(&["-c", "0", "h"]),
            (
                "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n"
                    .into(),
                1
            )
        );
        assert_eq!(
            exit(&["-c", "x", "h"]),
            ("ping: invalid argument: 'x'\n".into(), 1)
        );
        assert!(exit(&["-Z", "h"])
            .0
            .starts_with("ping: invalid option -- 'Z'\n\nUsage\n"));
    }
}
