//! Encryption of personal data at rest (client names, addresses).
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per value. The associated data binds a
//! ciphertext to its place (`table/column/row id`), so a value copied into another row or
//! column fails to decrypt instead of showing the wrong client's details. Each ciphertext
//! is stored with the id of the key that sealed it, so keys can be rotated: new values use
//! the current key, old values stay readable while their key is configured.

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, AeadCore, OsRng, Payload},
};
use std::{collections::HashMap, fmt};

pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// Where a sealed value lives; its text is the associated data.
#[derive(Clone, Copy, Debug)]
pub struct FieldLocation<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row_id: &'a sqlx::types::Uuid,
}

impl FieldLocation<'_> {
    fn associated_data(&self) -> String {
        format!("{}/{}/{}", self.table, self.column, self.row_id)
    }
}

/// A value sealed for storage: the key id column and the `bytea` column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    /// The nonce followed by the ciphertext and its tag.
    pub ciphertext: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("no encryption key with id {0:?} is configured")]
    UnknownKey(String),
    #[error("the stored value could not be decrypted (wrong key or tampered data)")]
    Undecryptable,
}

pub struct FieldCipher {
    current: String,
    keys: HashMap<String, XChaCha20Poly1305>,
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Key material is never printed.
        f.debug_struct("FieldCipher")
            .field("current", &self.current)
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl FieldCipher {
    /// `keys` in order of preference: the first seals new values; all of them open old ones.
    pub fn new(keys: Vec<(String, [u8; KEY_BYTES])>) -> Option<Self> {
        let current = keys.first()?.0.clone();
        let keys = keys
            .into_iter()
            .map(|(id, key)| (id, XChaCha20Poly1305::new(&key.into())))
            .collect();
        Some(Self { current, keys })
    }

    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    pub fn seal(&self, plaintext: &str, at: FieldLocation<'_>) -> Sealed {
        let cipher = &self.keys[&self.current];
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = at.associated_data();
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
        let mut ciphertext = Vec::with_capacity(NONCE_BYTES + sealed.len());
        ciphertext.extend_from_slice(&nonce);
        ciphertext.extend_from_slice(&sealed);
        Sealed {
            key_id: self.current.clone(),
            ciphertext,
        }
    }

    pub fn open(
        &self,
        key_id: &str,
        ciphertext: &[u8],
        at: FieldLocation<'_>,
    ) -> Result<String, CryptoError> {
        let cipher = self
            .keys
            .get(key_id)
            .ok_or_else(|| CryptoError::UnknownKey(key_id.to_owned()))?;
        if ciphertext.len() < NONCE_BYTES {
            return Err(CryptoError::Undecryptable);
        }
        let (nonce, body) = ciphertext.split_at(NONCE_BYTES);
        let aad = at.associated_data();
        let plain = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Undecryptable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher(ids: &[(&str, u8)]) -> FieldCipher {
        FieldCipher::new(
            ids.iter()
                .map(|(id, b)| (id.to_string(), [*b; 32]))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn sealed_values_open_only_in_their_own_place() {
        let c = cipher(&[("k1", 7)]);
        let row = sqlx::types::Uuid::from_u128(1);
        let other_row = sqlx::types::Uuid::from_u128(2);
        let here = FieldLocation {
            table: "care_packages",
            column: "client_name",
            row_id: &row,
        };
        let sealed = c.seal("Mrs Edna Clarke", here);
        assert_eq!(sealed.key_id, "k1");
        assert!(!String::from_utf8_lossy(&sealed.ciphertext).contains("Edna"));
        assert_eq!(
            c.open("k1", &sealed.ciphertext, here).unwrap(),
            "Mrs Edna Clarke"
        );
        let swapped = FieldLocation {
            row_id: &other_row,
            ..here
        };
        assert_eq!(
            c.open("k1", &sealed.ciphertext, swapped),
            Err(CryptoError::Undecryptable)
        );
        let other_column = FieldLocation {
            column: "address",
            ..here
        };
        assert_eq!(
            c.open("k1", &sealed.ciphertext, other_column),
            Err(CryptoError::Undecryptable)
        );
    }

    #[test]
    fn rotated_keys_still_open_old_values() {
        let row = sqlx::types::Uuid::from_u128(9);
        let at = FieldLocation {
            table: "t",
            column: "c",
            row_id: &row,
        };
        let old = cipher(&[("k1", 1)]).seal("old secret", at);
        let rotated = cipher(&[("k2", 2), ("k1", 1)]);
        assert_eq!(
            rotated.open(&old.key_id, &old.ciphertext, at).unwrap(),
            "old secret"
        );
        assert_eq!(rotated.seal("new", at).key_id, "k2");
        assert_eq!(
            cipher(&[("k2", 2)]).open("k1", &old.ciphertext, at),
            Err(CryptoError::UnknownKey("k1".into()))
        );
    }

    #[test]
    fn nonces_differ_so_equal_values_do_not_look_equal() {
        let c = cipher(&[("k1", 3)]);
        let row = sqlx::types::Uuid::from_u128(3);
        let at = FieldLocation {
            table: "t",
            column: "c",
            row_id: &row,
        };
        assert_ne!(c.seal("same", at).ciphertext, c.seal("same", at).ciphertext);
    }
}
