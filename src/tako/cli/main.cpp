#include "tako/cli/app.h"

extern char** environ;

int main(int argc, char** argv) {
  return tako::cli::run(argc, argv, environ);
}
