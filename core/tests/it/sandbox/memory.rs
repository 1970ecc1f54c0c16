//! Class 4: memory is bounded as a whole.

use super::*;

/// Runs `cmd` to its end, sampling its peak resident size (VmHWM) every
/// few milliseconds; returns the output and the largest peak seen.

#[test]
fn memory_tables_and_instances_count_together() {
    for (name, cause) in [
        ("evil-multi-memory", "memory limit of 256 MiB"),
        ("evil-many-instances", "memory limit of 256 MiB"),
        ("evil-table-grow", "table elements"),
        ("evil-many-tables", "table elements"),
    ] {
        let s = Scratch::new();
        let component = wat_fixture(&s, name);
        let (out, peak) = run_measured(command(
            &s,
            &[
                "--without-pip",
                "--plugin",
                component.to_str().unwrap(),
                "env",
            ],
        ));
        assert_contained(&s, &out, name, cause);
        // The component asked for 1.6 to 4 GB; the limit is 256 MiB in all.
        assert!(
            peak < 600 << 20,
            "{name}: the host reached {} MiB",
            peak >> 20
        );
    }
}

/// A component that instantiates a tiny core module `copies` times, and whose
/// core module declares `memories` memories and `tables` tables.
fn swarm(copies: usize, memories: usize, tables: usize) -> String {
    let mut wat = String::from("(component\n  (core module $tiny\n");
    for i in 0..memories {
        wat.push_str(&format!("    (memory $m{i} 1)\n"));
    }
    for i in 0..tables {
        wat.push_str(&format!("    (table $t{i} 1 funcref)\n"));
    }
    wat.push_str("    (func (export \"f\")))\n");
    for i in 0..copies {
        wat.push_str(&format!("  (core instance $i{i} (instantiate $tiny))\n"));
    }
    wat.push_str(
        "  (func $ps (canon lift (core func $i0 \"f\")))\n  (instance $exp (export \"post-setup\" (func $ps)))\n  (export \"venv:plugin/post-setup@0.1.0\" (instance $exp))\n)\n",
    );
    wat
}

#[test]
fn instance_memory_and_table_counts_are_bounded() {
    for (name, text, cause) in [
        // 900 instances (the parser allows 1,000).
        (
            "evil-instance-swarm",
            swarm(900, 0, 0),
            "instance count too high",
        ),
        (
            "evil-memory-swarm",
            swarm(1, 40, 0),
            "memory count too high",
        ),
        // Under the 100 tables a module may declare, over the 64 we allow.
        ("evil-table-swarm", swarm(1, 0, 90), "table count too high"),
    ] {
        let s = Scratch::new();
        let component = assemble(&s, name, &text);
        let out = bare(&s, &component, &[]);
        assert_contained(&s, &out, name, cause);
    }
}
