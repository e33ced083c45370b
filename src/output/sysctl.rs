//! `sysctl` records → text, byte for byte as procps-ng 4.0.2 prints them
//! (`sysctl.c: ReadSetting`, `WriteSetting`, `PreloadSystem`, `Usage`).

use std::io::{self, Write};

use crate::backend::sysctl::Record;
use crate::netcmd::sysctl::SysctlOpts;

/// procps 4.0.2 `Usage()`, as `sysctl --help` prints it.
pub const USAGE: &str = "
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
";

/// `sysctl -V`.
pub const VERSION: &str = "sysctl from procps-ng 4.0.2\n";

/// Write one record where procps writes it (stdout, or stderr for warnings).
pub fn render(
    rec: &Record,
    opts: &SysctlOpts,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<()> {
    match rec {
        Record::Value { key, line } => {
            if opts.print_name {
                let nl = if line.ends_with('\n') { "" } else { "\n" };
                write!(stdout, "{key} = {line}{nl}")
            } else if !opts.print_newline {
                // `-b`: the first newline of each line is dropped.
                write!(stdout, "{}", line.replacen('\n', "", 1))
            } else {
                write!(stdout, "{line}")
            }
        }
        Record::Name(key) => writeln!(stdout, "{key}"),
        Record::Written { key, value } => {
            let value = value.as_deref().unwrap_or("(null)");
            if opts.name_only {
                // 4.0.2 prints the value here, not the name.
                writeln!(stdout, "{value}")
            } else if opts.print_name {
                writeln!(stdout, "{key} = {value}")
            } else if opts.print_newline {
                writeln!(stdout, "{value}")
            } else {
                write!(stdout, "{value}")
            }
        }
        Record::Applying(file) => writeln!(stdout, "* Applying {file} ..."),
        Record::Warn(msg) => {
            stdout.flush()?;
            writeln!(stderr, "sysctl: {msg}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rec: Record, opts: &SysctlOpts) -> (String, String) {
        let (mut o, mut e) = (Vec::new(), Vec::new());
        render(&rec, opts, &mut o, &mut e).expect("render");
        (
            String::from_utf8(o).expect("utf8"),
            String::from_utf8(e).expect("utf8"),
        )
    }

    #[test]
    fn value_forms() {
        let v = || Record::Value {
            key: "net.ipv4.tcp_rmem".into(),
            line: "4096\t131072\t6291456\n".into(),
        };
        let mut o = SysctlOpts::default();
        assert_eq!(
            text(v(), &o).0,
            "net.ipv4.tcp_rmem = 4096\t131072\t6291456\n"
        );
        o.print_name = false;
        assert_eq!(text(v(), &o).0, "4096\t131072\t6291456\n");
        o.print_newline = false;
        assert_eq!(text(v(), &o).0, "4096\t131072\t6291456");
        assert_eq!(
            text(Record::Warn("x".into()), &o),
            (String::new(), "sysctl: x\n".into())
        );
    }
}
