// xend's command line: start|stop|status|restart (daemonized, with a pidfile) or --foreground.
#pragma once

namespace xenith {

int xend_main(int argc, char** argv);

} // namespace xenith
