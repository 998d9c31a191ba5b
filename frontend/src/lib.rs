//! The WASM entry point: takes over the server-rendered HTML and makes it interactive.
//! It also exports the rota rules engine to scripts, for the end-to-end test that
//! compares it with the server's `/api/v1/rota/check` and for the WASM benchmark.

use caretrack::rota::{Change, Checker, Report, Rota, RotaInput, sample};
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

/// Checks a rota given as `RotaInput` JSON: a `Report` as JSON, or `{"error": "..."}`
/// with the same message the server would give.
#[wasm_bindgen]
pub fn check_rota(input: &str) -> String {
    let checked = serde_json::from_str::<RotaInput>(input)
        .map_err(|error| error.to_string())
        .and_then(|input| Rota::new(input).map_err(|error| error.to_string()));
    match checked {
        Ok(rota) => serde_json::to_string(&Report::new(rota.validate())),
        Err(error) => serde_json::to_string(&serde_json::json!({ "error": error })),
    }
    .unwrap_or_default()
}

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
