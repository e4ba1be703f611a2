// Asio and Beast are built with *_SEPARATE_COMPILATION: their implementation is compiled here,
// once, instead of in every unit that includes them.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
