module example.com/acme/go-lib

go 1.22
