//! The demo organisation: 1 admin, 1 assessor, 4 carers, 3 care packages, 6 tasks.
//!
//! Idempotent: every row has a fixed id and is inserted with `on conflict do nothing`,
//! so running it again changes nothing. Refused in production.

use crate::ServerError;
use app::crypto::{FieldCipher, FieldLocation};
use app::state::Environment;
use argon2::{Argon2, PasswordHasher, password_hash::SaltString};
use password_hash::rand_core::OsRng;
use sqlx::{PgPool, types::Uuid};
use std::fmt;

/// The password of every demo account (documented in README.md).
pub const DEMO_PASSWORD: &str = "CareTrack-demo-2026";

pub struct DemoUser {
    pub id: Uuid,
    pub email: &'static str,
    pub role: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub phone: &'static str,
    pub date_of_birth: Option<&'static str>,
}

const fn id(n: u128) -> Uuid {
    // Recognisable fixed ids: 00000000-0000-4000-8000-0000000000NN.
    Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | n)
}

pub const DEMO_USERS: [DemoUser; 6] = [
    DemoUser {
        id: id(0x01),
        email: "manager@example.com",
        role: "ADMIN",
        first_name: "Alex",
        last_name: "Morgan",
        phone: "+447700900001",
        date_of_birth: None,
    },
    DemoUser {
        id: id(0x02),
        email: "assessor@example.com",
        role: "ASSESSOR",
        first_name: "Priya",
        last_name: "Shah",
        phone: "+447700900002",
        date_of_birth: None,
    },
    DemoUser {
        id: id(0x11),
        email: "sam@example.com",
        role: "CARER",
        first_name: "Sam",
        last_name: "Okafor",
        phone: "+447700900011",
        date_of_birth: Some("1994-03-12"),
    },
    DemoUser {
        id: id(0x12),
        email: "jo@example.com",
        role: "CARER",
        first_name: "Jo",
        last_name: "Williams",
        phone: "+447700900012",
        date_of_birth: Some("1988-11-30"),
    },
    DemoUser {
        id: id(0x13),
        email: "ali@example.com",
        role: "CARER",
        first_name: "Ali",
        last_name: "Hassan",
        phone: "+447700900013",
        date_of_birth: Some("2001-07-04"),
    },
    // Under 18: the rota shows the young-worker rules with her.
    DemoUser {
        id: id(0x14),
        email: "megan@example.com",
        role: "CARER",
        first_name: "Megan",
        last_name: "Hughes",
        phone: "+447700900014",
        date_of_birth: Some("2009-05-02"),
    },
];

struct DemoPackage {
    id: Uuid,
    name: &'static str,
    district: &'static str,
    client: &'static str,
    address: &'static str,
    tasks: &'static [Uuid],
    carers: &'static [Uuid],
}

struct DemoTask {
    id: Uuid,
    name: &'static str,
    category: &'static str,
    description: &'static str,
    target: i32,
    review_months: Option<i32>,
}

const MEDICATION: Uuid = id(0x31);
const PERSONAL_CARE: Uuid = id(0x32);
const MOVING: Uuid = id(0x33);
const MEALS: Uuid = id(0x34);
const CATHETER: Uuid = id(0x35);
const DEMENTIA: Uuid = id(0x36);

const DEMO_TASKS: [DemoTask; 6] = [
    DemoTask {
        id: MEDICATION,
        name: "Medication administration",
        category: "Clinical",
        description: "Prompting and administering prescribed medication from a MAR chart.",
        target: 20,
        review_months: Some(12),
    },
    DemoTask {
        id: PERSONAL_CARE,
        name: "Personal care",
        category: "Daily living",
        description: "Washing, dressing and continence care with dignity and consent.",
        target: 30,
        review_months: None,
    },
    DemoTask {
        id: MOVING,
        name: "Moving and handling (hoist)",
        category: "Safety",
        description: "Safe transfers using a hoist and slings, with two carers where the care plan says so.",
        target: 15,
        review_months: Some(12),
    },
    DemoTask {
        id: MEALS,
        name: "Meal preparation",
        category: "Daily living",
        description: "Preparing meals to the client's dietary needs and recording intake.",
        target: 10,
        review_months: None,
    },
    DemoTask {
        id: CATHETER,
        name: "Catheter care",
        category: "Clinical",
        description: "Emptying and changing catheter bags; recognising signs of infection.",
        target: 10,
        review_months: Some(12),
    },
    DemoTask {
        id: DEMENTIA,
        name: "Dementia support",
        category: "Wellbeing",
        description: "Person-centred support for clients living with dementia.",
        target: 20,
        review_months: None,
    },
];

const SAM: Uuid = id(0x11);
const JO: Uuid = id(0x12);
const ALI: Uuid = id(0x13);
const MEGAN: Uuid = id(0x14);

const DEMO_PACKAGES: [DemoPackage; 3] = [
    DemoPackage {
        id: id(0x21),
        name: "Maple Court",
        district: "M14",
        client: "Mrs Edna Clarke",
        address: "12 Maple Court\nFallowfield\nManchester",
        tasks: &[MEDICATION, PERSONAL_CARE, MOVING, MEALS],
        carers: &[SAM, JO],
    },
    DemoPackage {
        id: id(0x22),
        name: "Riverside House",
        district: "B33",
        client: "Mr Tomasz Nowak",
        address: "4 Riverside House\nStechford\nBirmingham",
        tasks: &[MEDICATION, CATHETER, PERSONAL_CARE],
        carers: &[SAM, ALI],
    },
    DemoPackage {
        id: id(0x23),
        name: "Elm Cottage",
        district: "LS6",
        client: "Mrs Margaret Reid",
        address: "Elm Cottage\n9 Otley Road\nLeeds",
        tasks: &[MEALS, DEMENTIA, PERSONAL_CARE],
        carers: &[ALI, MEGAN],
    },
];

/// Some practice already logged, so progress pages have something to show:
/// (carer, task, completions).
const DEMO_PROGRESS: [(Uuid, Uuid, i32); 5] = [
    (SAM, MEDICATION, 12),
    (SAM, PERSONAL_CARE, 30),
    (JO, MEALS, 10),
    (ALI, CATHETER, 4),
    (MEGAN, DEMENTIA, 7),
];

/// Competencies signed off before CareTrack, so the rota has competent carers: Sam at
/// Maple Court and Riverside House, Megan at Elm Cottage. Jo and Ali are still learning.
const DEMO_COMPETENCIES: [(Uuid, &[Uuid]); 2] = [
    (SAM, &[MEDICATION, CATHETER, PERSONAL_CARE, MOVING, MEALS]),
    (MEGAN, &[MEALS, DEMENTIA, PERSONAL_CARE]),
];

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub users: u64,
    pub packages: u64,
    pub tasks: u64,
    pub assignments: u64,
}

impl fmt::Display for SeedSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Demo organisation ready ({} users, {} care packages, {} tasks, {} assignments newly created).",
            self.users, self.packages, self.tasks, self.assignments
        )?;
        writeln!(f, "Sign in with any of these (password: {DEMO_PASSWORD}):")?;
        for user in &DEMO_USERS {
            writeln!(f, "  {:<9} {}", user.role, user.email)?;
        }
        Ok(())
    }
}

pub async fn seed_demo(
    pool: &PgPool,
    cipher: &FieldCipher,
    environment: Environment,
) -> Result<SeedSummary, ServerError> {
    if environment == Environment::Production {
        return Err(ServerError::Refused(
            "demo data is refused when APP_ENV=production: it creates accounts with a published password"
                .into(),
        ));
    }
    let password_hash = tokio::task::spawn_blocking(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(DEMO_PASSWORD.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|err| ServerError::Refused(format!("password hashing stopped: {err}")))?
    .map_err(|err| ServerError::Refused(format!("password hashing failed: {err}")))?;

    let mut summary = SeedSummary::default();
    let mut tx = pool.begin().await?;

    for user in &DEMO_USERS {
        let created = sqlx::query!(
            r#"insert into users (id, email, role, password_hash, email_verified_at)
               values ($1, $2, $3::text::user_role, $4, now())
               on conflict do nothing"#,
            user.id,
            user.email,
            user.role,
            password_hash,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        summary.users += created;
        let date_of_birth = user
            .date_of_birth
            .map(|raw| caretrack::days::parse(raw).expect("demo dates are valid"));
        sqlx::query!(
            r#"insert into user_profiles (user_id, first_name, last_name, phone, date_of_birth, job_title)
               values ($1, $2, $3, $4, $5, $6)
               on conflict (user_id) do nothing"#,
            user.id,
            user.first_name,
            user.last_name,
            user.phone,
            date_of_birth,
            if user.role == "CARER" { "Care worker" } else { "Office" },
        )
        .execute(&mut *tx)
        .await?;
    }

    for task in &DEMO_TASKS {
        summary.tasks += sqlx::query!(
            r#"insert into tasks (id, name, category, description, target_count, review_interval_months, created_by)
               values ($1, $2, $3, $4, $5, $6, $7)
               on conflict do nothing"#,
            task.id,
            task.name,
            task.category,
            task.description,
            task.target,
            task.review_months,
            DEMO_USERS[0].id,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }

    for package in &DEMO_PACKAGES {
        let at = |column| FieldLocation {
            table: "care_packages",
            column,
            row_id: &package.id,
        };
        let client = cipher.seal(package.client, at("client_name"));
        let address = cipher.seal(package.address, at("address"));
        summary.packages += sqlx::query!(
            r#"insert into care_packages
                   (id, name, postcode_district, client_name_enc, client_name_key_id,
                    address_enc, address_key_id, created_by)
               values ($1, $2, $3, $4, $5, $6, $7, $8)
               on conflict do nothing"#,
            package.id,
            package.name,
            package.district,
            client.ciphertext,
            client.key_id,
            address.ciphertext,
            address.key_id,
            DEMO_USERS[0].id,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        for task in package.tasks {
            summary.assignments += sqlx::query!(
                "insert into package_tasks (package_id, task_id, assigned_by) values ($1, $2, $3)
                 on conflict do nothing",
                package.id,
                task,
                DEMO_USERS[0].id,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        for carer in package.carers {
            summary.assignments += sqlx::query!(
                "insert into carer_packages (carer_id, package_id, assigned_by) values ($1, $2, $3)
                 on conflict do nothing",
                carer,
                package.id,
                DEMO_USERS[0].id,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
    }

    for (carer, task, count) in DEMO_PROGRESS {
        sqlx::query!(
            r#"insert into task_progress (carer_id, task_id, completed_count, last_logged_at, target_reached_at)
               select $1, $2, $3, now(), case when $3 >= t.target_count then now() end
               from tasks t where t.id = $2
               on conflict do nothing"#,
            carer,
            task,
            count,
        )
        .execute(&mut *tx)
        .await?;
    }

    for (carer, tasks) in DEMO_COMPETENCIES {
        for task in tasks {
            let added = sqlx::query!(
                "insert into competency_ratings (carer_id, task_id, level, state, source, effective_level, reason,
                                                 rated_by, confirmed_at)
                 values ($1, $2, 'COMPETENT', 'CONFIRMED', 'MANUAL', 'COMPETENT', $3, $4, now())
                 on conflict do nothing",
                carer,
                task,
                "Signed off before CareTrack (demo data)",
                DEMO_USERS[0].id,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added > 0 {
                sqlx::query!(
                    "insert into competency_rating_history (carer_id, task_id, level, state, source, reason, changed_by)
                     values ($1, $2, 'COMPETENT', 'CONFIRMED', 'MANUAL', $3, $4)",
                    carer,
                    task,
                    "Signed off before CareTrack (demo data)",
                    DEMO_USERS[0].id,
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }

    if summary != SeedSummary::default() {
        app::audit::record(
            &mut tx,
            &app::audit::Actor::default(),
            app::audit::Entry::new("system.demo_seeded")
                .entity("organisation", "demo")
                .after(serde_json::json!({
                    "users": summary.users,
                    "care_packages": summary.packages,
                    "tasks": summary.tasks,
                    "assignments": summary.assignments,
                })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(summary)
}
