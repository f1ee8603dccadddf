"""Local fakes of the outside services the tests talk to over real sockets."""
