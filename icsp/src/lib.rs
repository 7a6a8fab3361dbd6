//! OpenShift image configuration objects: ImageContentSourcePolicy, ImageDigestMirrorSet, ImageTagMirrorSet and friends.
