#include "TrainingChoice.h"

namespace pygmi::server {

bool TrainingChoice::optedIn(const QString &userId)
{
    Q_UNUSED(userId); // the consent store answers this once it exists; default is "not opted in"
    return false;
}

} // namespace pygmi::server
