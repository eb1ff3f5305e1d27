// xenith-vm: runs one domain. Everything happens in run_xenith_vm (src/engine/domain/vm_run.cpp).
#include "engine/domain/vm_run.h"

int main(int argc, char** argv) { return xenith::run_xenith_vm(argc, argv); }
