//! `ping` events → text, as iputils 20221126 prints them
//! (`ping_common.c: gather_statistics`, `finish`; `ping.c: pr_icmph`).

use std::io::{self, Write};

use crate::backend::ping::{PingEvent, PingStats};

/// C `printf("%g")` of a percentage computed as a C `float`.
fn percent_g(v: f32) -> String {
    let v = f64::from(v);
    if v == v.trunc() {
        return format!("{v:.0}");
    }
    let int_digits = if v.abs() < 1.0 {
        1
    } else {
        v.abs().log10().floor() as usize + 1
    };
    let s = format!("{v:.*}", 6usize.saturating_sub(int_digits));
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// iputils' ` time=…` field of a reply (µs in, rounded as iputils does).
fn time_field(t: i64) -> String {
    if t >= 100_000 - 50 {
        format!(" time={} ms", (t + 500) / 1000)
    } else if t >= 10_000 - 5 {
        format!(
            " time={}.{:01} ms",
            (t + 50) / 1000,
            ((t + 50) % 1000) / 100
        )
    } else if t >= 1000 {
        format!(" time={}.{:02} ms", (t + 5) / 1000, ((t + 5) % 1000) / 10)
    } else {
        format!(" time={}.{:03} ms", t / 1000, t % 1000)
    }
}

/// iputils `pr_icmph` (without the verbose IP header dump).
pub fn icmp_text(icmp_type: u8, code: u8, info: u32) -> String {
    match icmp_type {
        0 => "Echo Reply".into(),
        3 => match code {
            0 => "Destination Net Unreachable".into(),
            1 => "Destination Host Unreachable".into(),
            2 => "Destination Protocol Unreachable".into(),
            3 => "Destination Port Unreachable".into(),
            4 => format!("Frag needed and DF set (mtu = {info})"),
            5 => "Source Route Failed".into(),
            6 => "Destination Net Unknown".into(),
            7 => "Destination Host Unknown".into(),
            8 => "Source Host Isolated".into(),
            9 => "Destination Net Prohibited".into(),
            10 => "Destination Host Prohibited".into(),
            11 => "Destination Net Unreachable for Type of Service".into(),
            12 => "Destination Host Unreachable for Type of Service".into(),
            13 => "Packet filtered".into(),
            14 => "Precedence Violation".into(),
            15 => "Precedence Cutoff".into(),
            c => format!("Dest Unreachable, Bad Code: {c}"),
        },
        4 => "Source Quench".into(),
        8 => "Echo Request".into(),
        11 => match code {
            0 => "Time to live exceeded".into(),
            1 => "Frag reassembly time exceeded".into(),
            c => format!("Time exceeded, Bad Code: {c}"),
        },
        12 => format!("Parameter problem: pointer = {info}"),
        13 => "Timestamp".into(),
        14 => "Timestamp Reply".into(),
        15 => "Information Request".into(),
        16 => "Information Reply".into(),
        17 => "Address Mask Request".into(),
        18 => "Address Mask Reply".into(),
        t => format!("Bad ICMP type: {t}"),
    }
}

fn stats_text(s: &PingStats) -> String {
    let mut out = format!("\n--- {} ping statistics ---\n", s.hostname);
    out += &format!(
        "{} packets transmitted, {} received",
        s.transmitted, s.received
    );
    if s.repeats > 0 {
        out += &format!(", +{} duplicates", s.repeats);
    }
    if s.errors > 0 {
        out += &format!(", +{} errors", s.errors);
    }
    if s.transmitted > 0 {
        let loss = ((s.transmitted - s.received) as f64 * 100.0 / s.transmitted as f64) as f32;
        out += &format!(", {}% packet loss, time {}ms", percent_g(loss), s.time_ms);
    }
    out.push('\n');
    let mut comma = "";
    if let Some((min, avg, max, mdev)) = s.rtt {
        out += &format!(
            "rtt min/avg/max/mdev = {}.{:03}/{}.{:03}/{}.{:03}/{}.{:03} ms",
            min / 1000,
            min % 1000,
            avg / 1000,
            avg % 1000,
            max / 1000,
            max % 1000,
            mdev / 1000,
            mdev % 1000
        );
        comma = ", ";
    }
    if s.pipesize > 1 {
        out += &format!("{comma}pipe {}", s.pipesize);
        comma = ", ";
    }
    if let Some((ipg, rtt)) = s.ipg_ewma {
        out += &format!(
            "{comma}ipg/ewma {}.{:03}/{}.{:03} ms",
            ipg / 1000,
            ipg % 1000,
            rtt / 8000,
            (rtt / 8) % 1000
        );
    }
    out.push('\n');
    out
}

/// Write one event where iputils writes it, flushing each line (scripts
/// show ping's output live).
pub fn render(ev: &PingEvent, stdout: &mut dyn Write, stderr: &mut dyn Write) -> io::Result<()> {
    match ev {
        PingEvent::Header {
            hostname,
            addr,
            from,
            datalen,
        } => {
            write!(stdout, "PING {hostname} ({addr}) ")?;
            if let Some((src, dev)) = from {
                write!(stdout, "from {src} {dev}: ")?;
            }
            writeln!(stdout, "{datalen}({}) bytes of data.", datalen + 8 + 20)?;
        }
        PingEvent::Reply {
            bytes,
            from,
            seq,
            ttl,
            time_us,
            truncated,
            dup,
            wrong_source,
        } => {
            write!(
                stdout,
                "{bytes} bytes from {from}: icmp_seq={seq} ttl={ttl}"
            )?;
            if *truncated {
                writeln!(stdout, " (truncated)")?;
            } else {
                if let Some(t) = time_us {
                    write!(stdout, "{}", time_field(*t))?;
                }
                if *dup {
                    write!(stdout, " (DUP!)")?;
                }
                if *wrong_source {
                    write!(stdout, " (DIFFERENT ADDRESS!)")?;
                }
                writeln!(stdout)?;
            }
        }
        PingEvent::IcmpError {
            from,
            seq,
            icmp_type,
            code,
            info,
        } => writeln!(
            stdout,
            "From {from} icmp_seq={seq} {}",
            icmp_text(*icmp_type, *code, *info)
        )?,
        PingEvent::Warn(msg) => {
            stdout.flush()?;
            writeln!(stderr, "ping: {msg}")?;
        }
        PingEvent::Stats(s) => stdout.write_all(stats_text(s).as_bytes())?,
    }
    stdout.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_percentages_like_printf_g() {
        assert_eq!(percent_g(0.0), "0");
        assert_eq!(percent_g(100.0), "100");
        assert_eq!(percent_g((1.0f64 * 100.0 / 3.0) as f32), "33.3333");
        assert_eq!(percent_g((2.0f64 * 100.0 / 3.0) as f32), "66.6667");
        assert_eq!(percent_g(12.5), "12.5");
    }

    #[test]
    fn time_rounding() {
        assert_eq!(time_field(65), " time=0.065 ms");
        assert_eq!(time_field(1234), " time=1.23 ms");
        assert_eq!(time_field(12345), " time=12.3 ms");
        assert_eq!(time_field(123456), " time=123 ms");
    }

    #[test]
    fn statistics_block() {
        let s = PingStats {
            hostname: "10.0.0.2".into(),
            transmitted: 2,
            received: 2,
            time_ms: 1001,
            rtt: Some((57, 124, 192, 67)),
            pipesize: 1,
            ..Default::default()
        };
        assert_eq!(
            stats_text(&s),
            "\n--- 10.0.0.2 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 1001ms\nrtt min/avg/max/mdev = 0.057/0.124/0.192/0.067 ms\n"
        );
    }
}
