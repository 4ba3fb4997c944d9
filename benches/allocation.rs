//! Allocation benchmark: the three mechanisms on a generated placement round of realistic shape.
//!
//! ```text
//! cargo bench --bench allocation -- [--students 100000] [--places 5000] [--prefs 10] [--seed 8] [--runs 9]
//! ```
//!
//! The instance: `--students` students each list `--prefs` distinct places, drawn by popularity
//! (place `p`'s weight is `1 / (p + 1)^0.7`, so the first places are heavily oversubscribed and
//! the tail gets few applicants, as real intakes do); capacities are uniform in 1..=2·(students /
//! places) − 1, summing to about the number of students; every place ranks all students who list
//! it by a score, half a common merit (grades) and half its own noise (an interview). The same
//! generator, in Python, is in `benches/allocation_peers.py`.
//!
//! Measured: parsing the JSON form into the dense instance once, then each mechanism `--runs`
//! times (maximum welfare a third as often), reporting the minimum and median times and the
//! figures of the result.

use std::time::{Duration, Instant};

use chanjiao_domain::allocation::{Instance, InstanceForm, Limits, Mechanism, PlaceForm, Stats, StudentForm};

struct Args {
    students: usize,
    places: usize,
    prefs: usize,
    seed: u64,
    runs: usize,
}

fn args() -> Args {
    let mut args = Args { students: 100_000, places: 5_000, prefs: 10, seed: 8, runs: 9 };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value")).replace('_', "");
        match arg.as_str() {
            "--students" => args.students = value().parse().expect("--students takes a number"),
            "--places" => args.places = value().parse().expect("--places takes a number"),
            "--prefs" => args.prefs = value().parse().expect("--prefs takes a number"),
            "--seed" => args.seed = value().parse().expect("--seed takes a number"),
            "--runs" => args.runs = value().parse().expect("--runs takes a number"),
            _ => {}
        }
    }
    assert!((1..=args.places).contains(&args.prefs), "--prefs must be between 1 and --places");
    args
}

/// SplitMix64: a tiny seeded generator, enough for benchmark data and free of dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
}

fn generate(args: &Args) -> InstanceForm {
    let mut rng = Rng(args.seed);
    let (n, m) = (args.students, args.places);
    let mut cumulative = Vec::with_capacity(m);
    let mut total = 0.0;
    for p in 0..m {
        total += 1.0 / ((p + 1) as f64).powf(0.7);
        cumulative.push(total);
    }
    let mean_seats = (n / m).max(1);
    let capacities: Vec<i64> = (0..m).map(|_| 1 + rng.below(2 * mean_seats - 1) as i64).collect();
    let merit: Vec<f64> = (0..n).map(|_| rng.unit()).collect();
    let mut applicants: Vec<Vec<(f64, u32)>> = vec![Vec::new(); m];
    let mut students = Vec::with_capacity(n);
    for (s, &merit) in merit.iter().enumerate() {
        let mut prefs: Vec<usize> = Vec::with_capacity(args.prefs);
        while prefs.len() < args.prefs {
            let target = rng.unit() * total;
            let p = cumulative.partition_point(|&c| c <= target).min(m - 1);
            if !prefs.contains(&p) {
                prefs.push(p);
            }
        }
        for &p in &prefs {
            applicants[p].push((0.5 * merit + 0.5 * rng.unit(), s as u32));
        }
        students.push(StudentForm { id: format!("s{s}"), prefs: prefs.iter().map(|p| format!("p{p}")).collect() });
    }
    let places = applicants
        .into_iter()
        .enumerate()
        .map(|(p, mut list)| {
            list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            PlaceForm {
                id: format!("p{p}"),
                capacity: Some(capacities[p]),
                prefs: list.into_iter().map(|(_, s)| format!("s{s}")).collect(),
            }
        })
        .collect();
    InstanceForm { students, places }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn main() {
    let args = args();
    let started = Instant::now();
    let form = generate(&args);
    eprintln!("generated in {:.2} s", started.elapsed().as_secs_f64());
    let listed: usize = form.places.iter().map(|p| p.prefs.len()).sum();
    let seats: i64 = form.places.iter().filter_map(|p| p.capacity).sum();
    // Oversubscribed: more students put the place first than it has seats.
    let mut first_choices = vec![0i64; args.places];
    for student in &form.students {
        first_choices[student.prefs[0][1..].parse::<usize>().expect("generated ids are p<number>")] += 1;
    }
    let oversubscribed = form.places.iter().zip(&first_choices).filter(|(p, n)| **n > p.capacity.unwrap_or(0)).count();
    let limits = Limits { max_student_prefs: args.prefs.max(Limits::PLATFORM.max_student_prefs) };
    let started = Instant::now();
    let instance = Instance::parse(&form, limits).expect("a generated instance is valid");
    let parse = started.elapsed();
    drop(form);

    println!(
        "### {} students × {} preferences over {} places (seed {})",
        args.students, args.prefs, args.places, args.seed
    );
    println!();
    println!(
        "{seats} seats, {listed} listed pairs; {oversubscribed} places ({:.0} %) have more first-choice applicants than \
         seats; parsing the form into the instance: {:.1} ms",
        100.0 * oversubscribed as f64 / args.places as f64,
        ms(parse)
    );
    println!();
    println!(
        "| mechanism | runs | min | median | matched | unmatched | unfilled seats | 1st choice | mean rank | blocking pairs |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for mechanism in Mechanism::ALL {
        let runs = if mechanism == Mechanism::MaxWelfare { args.runs.div_ceil(3) } else { args.runs };
        let mut times = Vec::with_capacity(runs);
        let mut assignment = None;
        for _ in 0..runs {
            let started = Instant::now();
            let result = mechanism.run(&instance);
            times.push(started.elapsed());
            assignment = Some(result);
        }
        times.sort_unstable();
        let stats = Stats::of(&instance, assignment.as_ref().expect("at least one run"));
        let first = stats.rank_distribution.first().copied().unwrap_or(0);
        println!(
            "| {mechanism} | {runs} | {:.1} ms | {:.1} ms | {} | {} | {} | {:.1} % | {:.3} | {} |",
            ms(times[0]),
            ms(times[times.len() / 2]),
            stats.matched,
            stats.unmatched,
            stats.unfilled_seats,
            100.0 * first as f64 / stats.matched.max(1) as f64,
            stats.mean_rank.unwrap_or(0.0),
            stats.blocking_pairs
        );
    }
}
