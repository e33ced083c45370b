//! The `time` keyword: the real, user and system time of a pipeline,
//! printed on the shell's stderr as bash's `time_command` prints it
//! (`TIMEFORMAT`, or `-p`'s POSIX format).

use super::proc::write_fd;
use super::Shell;
use crate::ast::TimeFormat;

/// bash's default `TIMEFORMAT`.
const BASH_FORMAT: &str = "\nreal\t%3lR\nuser\t%3lU\nsys\t%3lS";
/// The format of `time -p`.
const POSIX_FORMAT: &str = "real %2R\nuser %2U\nsys %2S";

/// Clocks when a timed pipeline started.
pub struct Sample {
    real: std::time::Instant,
    /// User and system time of the shell and its waited-for children, µs.
    user: u128,
    sys: u128,
}

fn rusage_us(who: i32) -> (u128, u128) {
    // SAFETY: getrusage fills a plain-data struct we own.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut ru);
        ru
    };
    let us = |t: libc::timeval| t.tv_sec as u128 * 1_000_000 + t.tv_usec as u128;
    (us(ru.ru_utime), us(ru.ru_stime))
}

impl Sample {
    pub fn now() -> Self {
        let (u1, s1) = rusage_us(libc::RUSAGE_SELF);
        let (u2, s2) = rusage_us(libc::RUSAGE_CHILDREN);
        Sample {
            real: std::time::Instant::now(),
            user: u1 + u2,
            sys: s1 + s2,
        }
    }
}

/// Print the times since `start` (nothing when `TIMEFORMAT` is empty).
pub fn report(sh: &Shell, fmt: TimeFormat, start: &Sample) {
    let end = Sample::now();
    let real = end.real.duration_since(start.real).as_micros();
    let user = end.user.saturating_sub(start.user);
    let sys = end.sys.saturating_sub(start.sys);
    let format = match fmt {
        TimeFormat::Posix => POSIX_FORMAT.to_string(),
        TimeFormat::Default => match sh.get_var("TIMEFORMAT") {
            Some(f) => f.to_string(),
            None => BASH_FORMAT.to_string(),
        },
    };
    if format.is_empty() {
        return;
    }
    match format_times(&format, real, user, sys) {
        Ok(s) => {
            write_fd(2, format!("{s}\n").as_bytes());
        }
        Err(c) => sh.error(&format!("TIMEFORMAT: `{c}': invalid format character")),
    }
}

/// bash's `mkfmt`: seconds with `prec` digits (truncated), as `XmY.ZZZs`
/// with `long`.
fn seconds(us: u128, prec: usize, long: bool) -> String {
    let mut sec = us / 1_000_000;
    let mut frac = us % 1_000_000;
    let mut s = String::new();
    if long {
        s.push_str(&format!("{}m", sec / 60));
        sec %= 60;
    }
    s.push_str(&sec.to_string());
    if prec > 0 {
        s.push('.');
        for _ in 0..prec {
            s.push(char::from(b'0' + (frac / 100_000) as u8));
            frac = (frac % 100_000) * 10;
        }
    }
    if long {
        s.push('s');
    }
    s
}

/// bash's `print_formatted_time`: `%[p][l]R|U|S`, `%P`, `%%`; `Err` with
/// the character after an invalid `%`.
pub fn format_times(format: &str, real: u128, user: u128, sys: u128) -> Result<String, char> {
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' || i + 1 == chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        match chars[i] {
            '%' => out.push('%'),
            'P' => {
                let cpu = ((user + sys) * 10000)
                    .checked_div(real)
                    .unwrap_or(0)
                    .min(10000);
                let whole = cpu / 100;
                let frac = (cpu % 100) * 10000;
                out.push_str(&seconds(whole * 1_000_000 + frac, 2, false));
            }
            _ => {
                let mut prec = 3;
                let mut long = false;
                if let Some(d) = chars[i].to_digit(10) {
                    prec = (d as usize).min(3);
                    i += 1;
                }
                if chars.get(i) == Some(&'l') {
                    long = true;
                    i += 1;
                }
                let v = match chars.get(i) {
                    Some('R' | 'E') => real,
                    Some('U') => user,
                    Some('S') => sys,
                    other => return Err(other.copied().unwrap_or('\0')),
                };
                out.push_str(&seconds(v, prec, long));
            }
        }
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_bash() {
        let f = |s: &str| format_times(s, 61_234_567, 1_500, 2_000_000);
        assert_eq!(
            f("%R|%0R|%1lR|%lU|%3S|%%|%"),
            Ok("61.234|61|1m1.2s|0m0.001s|2.000|%|%".into())
        );
        assert_eq!(f("%9R"), Ok("61.234".into()));
        assert_eq!(f("a%Zb"), Err('Z'));
        assert_eq!(f("%lx"), Err('x'));
        assert_eq!(
            format_times("%P", 1_000_000, 250_000, 0),
            Ok("25.00".into())
        );
        assert_eq!(format_times("%P", 0, 0, 0), Ok("0.00".into()));
    }
}
