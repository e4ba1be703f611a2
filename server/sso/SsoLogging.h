#pragma once

#include <QLoggingCategory>

// Single sign-on (OpenID Connect relying party). Never log codes, tokens, nonces or verifiers.
Q_DECLARE_LOGGING_CATEGORY(lcSso)
