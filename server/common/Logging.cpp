#include "Logging.h"

Q_LOGGING_CATEGORY(lcHttp, "pygmi.server.http")
Q_LOGGING_CATEGORY(lcAuth, "pygmi.server.auth")
Q_LOGGING_CATEGORY(lcStorage, "pygmi.server.storage")
Q_LOGGING_CATEGORY(lcMail, "pygmi.server.mail")
Q_LOGGING_CATEGORY(lcServer, "pygmi.server")
Q_LOGGING_CATEGORY(lcGeneration, "pygmi.server.generation")
