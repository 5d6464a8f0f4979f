// The one translation unit that compiles Asio, Asio SSL and Beast (separate compilation).
// Every other file sees only declarations, which keeps a rebuild of a handler from paying the
// ~30 s that instantiating Beast costs on the 2-core build machines.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
