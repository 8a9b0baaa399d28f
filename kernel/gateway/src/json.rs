//! A JSON body extractor whose rejections speak the gateway's error shape: 400
//! for malformed JSON or wrong fields (with serde's line and column), 413 past the
//! body limit, 415 without a JSON content type.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// `Json<T>` with the gateway's errors.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(reject(rejection)),
        }
    }
}

/// Parses a JSON body read by hand (after a size check), with the same errors.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer);
    match value {
        Ok(value) => deserializer
            .end()
            .map(|()| value)
            .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}"))),
        Err(e) if e.inner().is_data() => Err(ApiError::bad_request(format!(
            "the body does not have the expected fields: {} (at `{}`)",
            e.inner(),
            e.path()
        ))),
        Err(e) => Err(ApiError::bad_request(format!(
            "the body is not valid JSON: {}",
            e.inner()
        ))),
    }
}

fn reject(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let text = rejection.body_text();
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with `Content-Type: application/json`",
        ),
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the body is larger than the gateway accepts; send a shorter command",
        ),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request(format!("the body is not valid JSON: {text}"))
        }
        JsonRejection::JsonDataError(_) => ApiError::bad_request(format!(
            "the body does not have the expected fields: {text}"
        )),
        _ if status == StatusCode::PAYLOAD_TOO_LARGE || text.contains("length limit") => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "the body is larger than the gateway accepts; send a shorter command",
            )
        }
        _ => ApiError::bad_request(format!("the body could not be read: {text}")),
    }
}
