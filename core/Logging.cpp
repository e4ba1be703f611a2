#include "Logging.h"

namespace pygmi::core {

Q_LOGGING_CATEGORY(lcApi, "pygmi.core.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "pygmi.core.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLocalServer, "pygmi.core.localserver", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPrivacy, "pygmi.core.privacy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTelemetry, "pygmi.core.telemetry", QtInfoMsg)

} // namespace pygmi::core
