//! `ulimit`: the process's resource limits (getrlimit/setrlimit), with
//! bash 5.2's options, units, listing and messages.

use super::proc::write_fd;
use super::Shell;

/// What a resource is not (`-p`, the pipe size, is read-only).
#[derive(Clone, Copy)]
enum Res {
    Rlimit(libc::__rlimit_resource_t),
    PipeSize,
}

/// bash's `limits[]` on Linux, in its order: option, resource, factor
/// (the unit in bytes or 1), description, unit name.
const LIMITS: &[(char, Res, u64, &str, &str)] = &[
    (
        'R',
        Res::Rlimit(libc::RLIMIT_RTTIME),
        1,
        "real-time non-blocking time",
        "microseconds",
    ),
    (
        'c',
        Res::Rlimit(libc::RLIMIT_CORE),
        1024,
        "core file size",
        "blocks",
    ),
    (
        'd',
        Res::Rlimit(libc::RLIMIT_DATA),
        1024,
        "data seg size",
        "kbytes",
    ),
    (
        'e',
        Res::Rlimit(libc::RLIMIT_NICE),
        1,
        "scheduling priority",
        "",
    ),
    (
        'f',
        Res::Rlimit(libc::RLIMIT_FSIZE),
        1024,
        "file size",
        "blocks",
    ),
    (
        'i',
        Res::Rlimit(libc::RLIMIT_SIGPENDING),
        1,
        "pending signals",
        "",
    ),
    (
        'l',
        Res::Rlimit(libc::RLIMIT_MEMLOCK),
        1024,
        "max locked memory",
        "kbytes",
    ),
    (
        'm',
        Res::Rlimit(libc::RLIMIT_RSS),
        1024,
        "max memory size",
        "kbytes",
    ),
    ('n', Res::Rlimit(libc::RLIMIT_NOFILE), 1, "open files", ""),
    ('p', Res::PipeSize, 512, "pipe size", "512 bytes"),
    (
        'q',
        Res::Rlimit(libc::RLIMIT_MSGQUEUE),
        1,
        "POSIX message queues",
        "bytes",
    ),
    (
        'r',
        Res::Rlimit(libc::RLIMIT_RTPRIO),
        1,
        "real-time priority",
        "",
    ),
    (
        's',
        Res::Rlimit(libc::RLIMIT_STACK),
        1024,
        "stack size",
        "kbytes",
    ),
    ('t', Res::Rlimit(libc::RLIMIT_CPU), 1, "cpu time", "seconds"),
    (
        'u',
        Res::Rlimit(libc::RLIMIT_NPROC),
        1,
        "max user processes",
        "",
    ),
    (
        'v',
        Res::Rlimit(libc::RLIMIT_AS),
        1024,
        "virtual memory",
        "kbytes",
    ),
    ('x', Res::Rlimit(libc::RLIMIT_LOCKS), 1, "file locks", ""),
];

const USAGE: &str = "ulimit: usage: ulimit [-SHabcdefiklmnpqrstuvxPRT] [limit]\n";

/// (soft, hard) of a resource.
fn get(res: Res) -> (u64, u64) {
    match res {
        // PIPE_BUF, as bash reports it.
        Res::PipeSize => (4096, 4096),
        Res::Rlimit(r) => {
            let mut l = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: getrlimit fills the struct it is given.
            unsafe { libc::getrlimit(r, &mut l) };
            (l.rlim_cur, l.rlim_max)
        }
    }
}

fn shown(v: u64, factor: u64) -> String {
    if v == libc::RLIM_INFINITY {
        "unlimited".into()
    } else {
        (v / factor).to_string()
    }
}

/// `ulimit [-SHa…] [limit]` (bash's ulimit_builtin).
pub fn builtin(sh: &mut Shell, args: &[String]) -> i32 {
    let (mut soft, mut hard, mut all) = (false, false, false);
    let mut opts: Vec<usize> = Vec::new();
    let mut value: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            i += 1;
            break;
        }
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) else {
            break;
        };
        for c in flags.chars() {
            match c {
                'S' => soft = true,
                'H' => hard = true,
                'a' => all = true,
                c => match LIMITS.iter().position(|l| l.0 == c) {
                    Some(k) => opts.push(k),
                    None => {
                        sh.error(&format!("ulimit: -{c}: invalid option"));
                        write_fd(2, USAGE.as_bytes());
                        return 2;
                    }
                },
            }
        }
        i += 1;
    }
    if let Some(v) = args.get(i) {
        value = Some(v.as_str());
    }
    if all {
        let mut out = String::new();
        for l in LIMITS {
            out.push_str(&line(l, hard && !soft));
        }
        write_fd(1, out.as_bytes());
        return 0;
    }
    if opts.is_empty() {
        opts.push(LIMITS.iter().position(|l| l.0 == 'f').unwrap_or(0));
    }
    let Some(v) = value else {
        let labelled = opts.len() > 1;
        let mut out = String::new();
        for &k in &opts {
            let l = &LIMITS[k];
            if labelled {
                out.push_str(&line(l, hard && !soft));
            } else {
                let (s, h) = get(l.1);
                out.push_str(&shown(if hard && !soft { h } else { s }, l.2));
                out.push('\n');
            }
        }
        write_fd(1, out.as_bytes());
        return 0;
    };
    let mut st = 0;
    for &k in &opts {
        let (_, res, factor, desc, _) = LIMITS[k];
        let (cur_s, cur_h) = get(res);
        let new = match v {
            "unlimited" => libc::RLIM_INFINITY,
            "hard" => cur_h,
            "soft" => cur_s,
            n => match n.parse::<u64>() {
                Ok(n) => n.saturating_mul(factor),
                Err(_) => {
                    sh.error(&format!("ulimit: {n}: invalid number"));
                    return 1;
                }
            },
        };
        let Res::Rlimit(r) = res else {
            sh.error(&format!(
                "ulimit: {desc}: cannot modify limit: Invalid argument"
            ));
            st = 1;
            continue;
        };
        // Neither -S nor -H: both limits.
        let l = libc::rlimit {
            rlim_cur: if soft || !hard { new } else { cur_s },
            rlim_max: if hard || !soft { new } else { cur_h },
        };
        // SAFETY: setrlimit reads the struct it is given.
        if unsafe { libc::setrlimit(r, &l) } != 0 {
            let e = std::io::Error::last_os_error();
            sh.error(&format!(
                "ulimit: {desc}: cannot modify limit: {}",
                super::proc::strerror(&e)
            ));
            st = 1;
        }
    }
    st
}

/// A line of `ulimit -a`: bash's `printf ("%-20s %20s", desc, units)`.
fn line(l: &(char, Res, u64, &str, &str), hard: bool) -> String {
    let (opt, res, factor, desc, unit) = *l;
    let units = if unit.is_empty() {
        format!("(-{opt}) ")
    } else {
        format!("({unit}, -{opt}) ")
    };
    let (s, h) = get(res);
    format!(
        "{desc:<20} {units:>20}{}\n",
        shown(if hard { h } else { s }, factor)
    )
}
