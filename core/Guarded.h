#pragma once

#include <QObject>
#include <QPointer>

#include <type_traits>
#include <utility>

namespace pygmi::core {

// Wraps a callback so that it does nothing once the caller's context object is gone (a
// window closed while its request was on the way). A null context means the caller did not
// ask for that protection, and the callback always runs.
template<typename F>
auto guarded(QObject *context, F f)
{
    return [ctx = QPointer<QObject>(context), hasContext = context != nullptr, f = std::move(f)](auto &&...args) {
        if (hasContext && !ctx)
            return;
        if constexpr (std::is_constructible_v<bool, const F &>) {
            if (!f)
                return; // an empty std::function: nothing to call
        }
        f(std::forward<decltype(args)>(args)...);
    };
}

} // namespace pygmi::core
