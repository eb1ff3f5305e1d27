// xend: the Xenith management daemon.
#include "toolstack/xend/xend_main.h"

int main(int argc, char** argv)
{
    return xenith::xend_main(argc, argv);
}
