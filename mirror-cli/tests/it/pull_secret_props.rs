//! Properties of `pull-secret add`, `get` and `remove` over arbitrary registries, user names and passwords: what
//! `add` writes, `get` finds (redacted); `remove` takes it away again; the password never reaches a message.

use crate::common;
use mirror_cli::cluster::Input;
use mirror_cli::commands::Exit;
use mirror_cli::commands::pull_secret::{
    AddRequest, GetRequest, OutputOptions, PullSecretRequest, RemoveRequest, run,
};
use proptest::prelude::*;

const BASE: &str = r#"{"auths":{"quay.io":{"auth":"cTpw"},"registry.redhat.io":{"auth":"cjpw"}}}"#;

fn call(request: &PullSecretRequest) -> (Exit, String, String) {
    let (exit, out, err) = common::capture(|out, err, style| run(request, out, err, style));
    (exit.expect("no error"), out, err)
}

fn get(bytes: &str, reference: &str) -> (Exit, String, String) {
    call(&PullSecretRequest::Get(GetRequest {
        format: Default::default(),
        input: Input {
            name: "auth.json".into(),
            bytes: bytes.as_bytes().to_vec(),
        },
        reference: reference.into(),
    }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn add_then_get_then_remove(
        host in "[a-z][a-z0-9]{0,10}(\\.[a-z][a-z0-9]{0,8}){1,2}(:[1-9][0-9]{0,3})?",
        user in "[a-zA-Z0-9._@-]{1,16}",
        password in "PW[ -~]{10,40}",
        secret_shape in any::<bool>(),
    ) {
        prop_assume!(host != "quay.io" && host != "registry.redhat.io");
        let file = if secret_shape {
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ps\ntype: kubernetes.io/dockerconfigjson\n\
                 data:\n  .dockerconfigjson: {}\n",
                go_compat::encode_std_base64(BASE.as_bytes())
            )
        } else {
            BASE.to_owned()
        };
        let (exit, added, added_err) = call(&PullSecretRequest::Add(AddRequest {
            input: Input { name: "auth.json".into(), bytes: file.into_bytes() },
            registry: host.clone(),
            username: user.clone(),
            password: dockerconfig::Secret::new(password.clone()),
            output: OutputOptions::default(),
        }));
        prop_assert_eq!(exit, Exit::Ok);
        prop_assert!(!added_err.contains(&password));

        let reference = format!("{host}/ns/image:tag");
        let (exit, found, found_err) = get(&added, &reference);
        prop_assert_eq!(exit, Exit::Ok);
        let sends = format!("sends:   {user}:***");
        prop_assert!(found.contains(&sends), "{}", found);
        prop_assert!(!found.contains(&password) && !found_err.contains(&password));

        let (exit, removed, _) = call(&PullSecretRequest::Remove(RemoveRequest {
            input: Input { name: "auth.json".into(), bytes: added.into_bytes() },
            registry: host.clone(),
            ignore_not_found: false,
            output: OutputOptions { compact: true, output: None },
        }));
        prop_assert_eq!(exit, Exit::Ok);
        let (exit, gone, _) = get(&removed, &reference);
        prop_assert_eq!(exit, Exit::Failed, "{}", gone);
        // The other entries are untouched.
        let (exit, _, _) = get(&removed, "quay.io/x/y");
        prop_assert_eq!(exit, Exit::Ok);
    }
}
