#include "Logging.h"

namespace pygmi::core {

Q_LOGGING_CATEGORY(lcApi, "pygmi.core.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "pygmi.core.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLocalServer, "pygmi.core.localserver", QtInfoMsg)

} // namespace pygmi::core
