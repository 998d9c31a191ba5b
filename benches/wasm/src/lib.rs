//! The rota rules engine alone, compiled to WASM with the bundle's profile and timed in
//! headless Chromium by `scripts/bench-rota.sh` (with `performance.now()` around the
//! exports below). Kept out of the app's bundle: phones never download benchmark code.

use caretrack::rota::{Change, Checker, Rota, sample};
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

/// The benchmark's rota and the move it repeats, prepared once.
struct Bench {
    rota: Rota,
    checker: Checker,
    moves: [Change; 2],
    next: usize,
}

thread_local! {
    static BENCH: RefCell<Option<Bench>> = const { RefCell::new(None) };
}

/// Builds the benchmark rota (`sample::SampleSize::BENCHMARK`) in this browser and
/// answers how many shift assignments it holds; the timing is the caller's, with
/// `performance.now()` around [`bench_full_validation`] and [`bench_single_move`].
#[wasm_bindgen]
pub fn bench_prepare() -> u32 {
    let input = sample::sample_rota(sample::SampleSize::BENCHMARK, 7);
    let moves = sample::benchmark_moves(&input);
    let assignments = input.shifts.iter().map(|s| s.carer_ids.len() as u32).sum();
    let rota = Rota::new(input).expect("the sample is valid");
    let checker = Checker::new(rota.clone());
    BENCH.with(|bench| {
        *bench.borrow_mut() = Some(Bench {
            rota,
            checker,
            moves,
            next: 0,
        })
    });
    assignments
}

/// One full validation of the prepared rota: the number of violations.
#[wasm_bindgen]
pub fn bench_full_validation() -> u32 {
    BENCH.with(|bench| {
        let bench = bench.borrow();
        let bench = bench.as_ref().expect("bench_prepare first");
        bench.rota.validate().len() as u32
    })
}

/// One drag of one carer, re-checked incrementally (alternately there and back).
#[wasm_bindgen]
pub fn bench_single_move() -> u32 {
    BENCH.with(|bench| {
        let mut bench = bench.borrow_mut();
        let bench = bench.as_mut().expect("bench_prepare first");
        let (carers, shifts) = bench
            .checker
            .apply(bench.moves[bench.next])
            .expect("the move is possible");
        bench.next = 1 - bench.next;
        (carers.len() + shifts.len()) as u32
    })
}
