//! The rota engine's speed (issue 7 targets: < 5 ms for a full validation of 200 carers'
//! four weeks on top of 17 weeks of history, < 2 ms for re-checking one move).
//! Run with `cargo bench -p caretrack --bench rota`; the WASM figures come from
//! `scripts/bench-rota.sh`, which times the same work in headless Chromium.

use caretrack::rota::{
    Checker, Rota,
    sample::{SampleSize, benchmark_moves, sample_rota},
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn rota_engine(c: &mut Criterion) {
    let input = sample_rota(SampleSize::BENCHMARK, 7);
    let rota = Rota::new(input.clone()).expect("the sample is valid");

    c.bench_function("full validation (indexing included)", |b| {
        b.iter(|| Rota::new(black_box(input.clone())).unwrap().validate())
    });
    c.bench_function("full validation (indexed rota)", |b| {
        b.iter(|| black_box(&rota).validate())
    });

    // One drag: a planned shift's carer moves to another shift of the same package and
    // back, alternately, so every iteration is exactly one move.
    let mut checker = Checker::new(rota);
    let moves = benchmark_moves(&input);
    let mut next = 0;
    c.bench_function("single move re-validation", |b| {
        b.iter(|| {
            let change = moves[next];
            next = 1 - next;
            checker.apply(black_box(change)).unwrap()
        })
    });
}

criterion_group!(benches, rota_engine);
criterion_main!(benches);
