#pragma once

#include <QLoggingCategory>

namespace pygmi::core {

// Browser sign-in. Never log the state, code, verifier or any token.
Q_DECLARE_LOGGING_CATEGORY(lcSso)

} // namespace pygmi::core
