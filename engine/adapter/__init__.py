"""What the embedded engine (moto 5.2.5 with ``execute_state_machine``) needs to run our workflows.

Every change to moto's behaviour lives in this package, one function per defect, in the module
of the part of moto it changes, as moto splits its services: ``stepfunctions_executions``
(starting executions: 1, 4, 12, 25), ``stepfunctions_tasks`` (service integrations: 2, 3, 7,
19, 20), ``stepfunctions_language`` (paths, retries, errors, patterns: 5, 6, 8, 18, 34),
``speed`` (work done once: 9-11, 29-32), ``cloudformation`` (change sets and resource
models: 13-15, 17, 27, 33), ``cloudformation_failures`` (28), ``awslambda`` (the Lambda
runtime hooks: 16, 21), ``core`` (22), ``s3`` (23), ``events`` (24), ``dynamodb`` (26)
and ``iam`` (35).
Each fix has a test in ``tests/test_adapter_*.py`` that fails if the fix stops working or
stops being needed. It reaches into moto's internals, so moto is pinned exactly
(``patching.MOTO_VERSION``); ``install()`` refuses any other version rather than patching
blindly.

**The principle: every fix moves the engine toward AWS, never past it.** AWS is the truth and
the engine a stand-in: where moto is stricter than AWS, a fix relaxes it to accept what AWS
accepts; where moto is more lenient, a fix makes it refuse what AWS refuses, with AWS's error.
A fix that only makes the engine faster, or serves the test harness, must not change what any
request or execution answers. Each entry below ends with its ``Direction:`` (``toward AWS``,
``neutral``: speed or timing only, or ``harness``: Step Functions Local's test contract) and
names the AWS document it follows; ``tests/test_adapter_principle.py`` holds every entry to it.

Where the engine is still more lenient than AWS, and what stands in for the check:
- IAM is not evaluated: a role missing a permission works here. The template's least-privilege
  tests, cfn-lint and checkov stand in; ``make smoke`` after a real deploy is the proof.
- The upload bucket's TLS-only policy is not applied (fix 15).
- API Gateway is not emulated by moto: ``engine/api_front.py`` serves the routes and does not
  check SigV4 signatures.
- Express workflows' five-minute limit is not enforced; the 256 KiB payload quota is (moto).
- A stack update whose resource fails is not rolled back (fix 28): the stack ends
  ``UPDATE_ROLLBACK_FAILED``; a failed creation is rolled back as on AWS.

1. ``MockConfigFile`` test cases (Step Functions Local's contract): ``start_execution`` with
   ``stateMachineArn="<arn>#<TestCase>"`` runs that test case of the file named by
   ``SFN_MOCK_CONFIG``. moto carries the mocking machinery but never loads a file nor hands a test
   case to an execution. A child started by a mocked execution runs the test case of the same
   name, when its state machine has one, so nested workflows run for real with their own mocks.
   Direction: harness. Step Functions Local's contract ("Testing with mocked service
   integrations", Step Functions Developer Guide); only an execution started with a ``#TestCase``
   ARN, which AWS refuses as malformed, runs mocked.
2. ``states:startExecution`` (request-response, ``.sync``, ``.sync:2``) and ``aws-sdk:sfn:*``:
   moto stubbed the conversion of ASL parameter names to boto's casing and of responses back.
   Direction: toward AWS (accepts what AWS accepts): the parameters and answers of "Start workflow
   executions from a task state in Step Functions".
3. ``aws-sdk`` task errors get exactly the name Step Functions gives them ("Learning to use AWS
   service SDK integrations in Step Functions", https://docs.aws.amazon.com/step-functions/
   latest/dg/supported-services-awssdk.html): ``<Service>.<Error>``, the service in PascalCase
   word by word as in the guide's ``AcmPca`` (``Rekognition``, ``DynamoDb``, ``Sfn``, ``Sns``),
   the ``Exception`` suffix always appended (``Rekognition.InternalServerErrorException``).
   moto wrote the service as the Resource spells it (``rekognition.ResourceNotFoundException``,
   ``sns.NotFoundException``) but for DynamoDB and Step Functions.
   Direction: toward AWS, both ways: a catcher written for AWS's names matches here as on AWS,
   and one written for any other spelling no longer matches here either (rules shared with the
   lint: ``statemachines/aws_errors.py``).
4. ``start_execution`` without a name gets a generated one (moto made the ARN end in ``:None``).
   Direction: toward AWS (accepts): the StartExecution API reference makes the name optional and
   generates a UUID when it is left out.
5. Retry waits can be compressed for tests with ``EKYC_RETRY_TIME_SCALE`` (default 1: real
   waits); the retries themselves still happen, in the same order.
   Direction: neutral (timing only): at the default scale the waits are those "Handling errors in
   Step Functions workflows" describes.
6. A definite JSONPath through an array index (``$.faces[0].Confidence``) selects one value, as
   in AWS; moto returned a one-element list, so Choice rules on it silently never matched. An
   indefinite path (wildcard, filter, slice, union, recursive descent) selects a list, empty
   when nothing matches, as in AWS; moto unwrapped a single match (``$.f[?(@.t == 'x')].v``
   gave ``"v"``, not ``["v"]``) and failed on no match.
   Direction: toward AWS, both ways ("Paths" and "Reference paths" in the Amazon States Language
   specification).
7. ``.sync`` tasks check on their child every ``SYNC_POLL_SECONDS`` instead of every 0.5 s, so a
   nested workflow costs its parent about what it costs on AWS, not half a second more.
   Direction: neutral (timing only): AWS notices a child's end by event, not by polling.
8. A ``States.*`` error inside a Parallel branch or a Map iteration reaches the state's Catch
   under its own name; moto raised a ValueError that failed the whole execution (Parallel) or
   replaced the error with ``States.Runtime`` (Map). The same holds for a Fail state that names
   a ``States.*`` error.
   Direction: toward AWS (accepts): "Parallel workflow state": a failing branch fails the Parallel
   state with the branch's error, which its Catch can match.
9. moto's server lists its own package folders on disk twice for every request it routes
   (about 20 ms each time here); the list cannot change while it runs, so it is read once.
   Direction: neutral (speed only).
10. Every execution parsed its state machine's definition anew with ANTLR, most of the time an
    execution took. The syntax tree of a definition is kept (it is only read afterwards); each
    execution still builds its own evaluation components from it.
    Direction: neutral (speed only).
11. Every JSONPath was compiled anew (jsonpath-ng builds a parser each time) and every service
    call made a new boto3 client and connection. Compiled paths are immutable and boto3 clients
    are thread-safe, so both are kept and reused.
    Direction: neutral (speed only).
12. ``StartSyncExecution`` runs an Express state machine to its end and answers with its status
    and output, directly or from an ``aws-sdk:sfn:startSyncExecution`` task; moto had no such
    action. AWS serves it on a ``sync-`` host prefix, which a local endpoint does not resolve:
    the engine's own clients send it without the prefix, and so must a caller's
    (``botocore.config.Config(inject_host_prefix=False)``).
    Direction: toward AWS (accepts): an action AWS has (StartSyncExecution API reference).
13. Executing a CloudFormation change set left the stack without outputs (and an update kept
    the old parameters): the outputs are computed from the applied template, as after
    ``create_stack``.
    Direction: toward AWS: a stack has its outputs after ExecuteChangeSet (CloudFormation User
    Guide, "Update CloudFormation stacks using change sets").
14. ``AWS::StepFunctions::StateMachine`` from CloudFormation: moto took ``DefinitionString``
    as it was, ignoring ``DefinitionSubstitutions`` and ``StateMachineType``, ignored a
    ``Definition`` object, and created the state machine in the backend that never executes.
    The definition is now filled in as CloudFormation does ("AWS::StepFunctions::StateMachine",
    CloudFormation Template Reference): ``DefinitionString`` (what our template holds, an
    ``Fn::If`` between two strings already resolved) or ``Definition``, each ``${Name}``
    replaced from ``DefinitionSubstitutions``, with the stack's type, in the backend that
    executes.
    Direction: toward AWS.
15. CloudFormation resources moto skipped or half-made: ``AWS::Rekognition::Collection``
    (created in the local face service; ``Ref`` is the id, ``GetAtt Arn`` the ARN),
    ``AWS::SQS::QueuePolicy`` (the policy is set on each queue), and an S3 bucket's
    ``NotificationConfiguration`` (applied, so uploads notify their queues).
    ``AWS::S3::BucketPolicy`` stays unapplied: moto enforces ``aws:SecureTransport``, and the
    engine speaks plain HTTP, so a TLS-only policy would refuse every request.
    Direction: toward AWS for the collection, the queue policy and the notifications
    ("AWS::Rekognition::Collection", "AWS::SQS::QueuePolicy", "NotificationConfiguration" in the
    CloudFormation Template Reference). The bucket policy is the one leniency kept: boto3 speaks
    HTTPS to AWS, so the rule cannot refuse our own calls there, and
    ``tests/test_generated_documents.py`` checks the policy is in the template.
16. An SQS event source mapping made moto run the function in Docker (none here) or drop the
    messages; it is handed instead to ``engine/lambda_runtime.py``, which polls the queue and
    runs the function's real handler code in this process, as Lambda's poller would.
    Direction: toward AWS: Lambda's poller for an SQS event source ("Using Lambda with Amazon
    SQS"): batches, partial batch failures, redelivery and the dead-letter queue.
17. A template holding a JSON ``null`` anywhere is refused at ``CreateStack``,
    ``CreateChangeSet``, ``UpdateStack`` and ``ValidateTemplate`` with
    CloudFormation's ``ValidationError`` ``[/Resources/<Name>/Type/...] 'null' values are not
    allowed in templates`` (aws/aws-cdk#29164, aws/serverless-application-model#1618,
    aws-cloudformation/cfn-lint#38 quote it from AWS). moto took such a template and dropped
    each null property, so a state machine ``Definition`` with ``"ResultPath": null`` deployed
    here and would not on AWS. (This fix used to go the other way: it kept the nulls.) What
    resolves to nothing (``AWS::NoValue``, e.g. a role's policy turned off by a condition) is
    left out of lists too, as CloudFormation does; moto left a ``None`` element there.
    Direction: toward AWS (refuses what AWS refuses).
18. ``States.ALL`` catches or retries everything but ``States.Runtime`` and
    ``States.DataLimitExceeded``, which end the execution on AWS; moto let ``States.ALL``
    catch them, which hid mistakes a deployment would show.
    Direction: toward AWS (refuses): "Handling errors in Step Functions workflows": ``States.ALL``
    matches neither ``States.Runtime`` nor ``States.DataLimitExceeded``.
19. A mocked ``Throw`` on an optimized DynamoDB task keeps the error and cause the test case
    names; moto renamed every such failure ``DynamoDB.AmazonDynamoDBException`` with an empty
    cause, so a Catch on ``DynamoDB.ConditionalCheckFailedException`` could not be tested.
    Direction: harness. Step Functions Local's contract: a mocked ``Throw`` fails the task with
    its ``Error`` and ``Cause`` ("Testing with mocked service integrations").
20. A blob parameter of an ``aws-sdk`` task (Rekognition's ``Image.Bytes``, Textract's
    ``Document.Bytes``) is base64 text in ASL, as in the JSON the AWS SDKs send. moto handed the
    text to boto3, which encoded it once more, so the service received base64 of base64. The
    text is decoded into the bytes boto3 expects.
    Direction: toward AWS (accepts): a blob parameter of an SDK integration is base64 text in the
    state's JSON, and the service receives the bytes it encodes.
21. ``Invoke`` of a Lambda function (from a ``lambda:invoke`` task or a client) made moto run
    it in Docker (none here); it runs the function's real handler code in this process through
    ``engine/lambda_runtime.py``, with Lambda's answer to an exception (``FunctionError``
    ``Unhandled``, a payload with ``errorType`` and ``errorMessage``), so Step Functions names
    the error after the exception's class. ``Event`` invocations run in a thread.
    Direction: toward AWS: Lambda runs the function and reports an exception with
    ``FunctionError`` and ``errorType`` (Lambda API reference, Invoke); Step Functions names the
    task's error after ``errorType`` ("Handling errors in Step Functions workflows").
22. An action moto does not implement (Textract ``AnalyzeExpense``, for one) answered with an
    HTML page and HTTP 500 and no request id, so a task calling it ended the execution with
    ``States.Runtime`` (``KeyError('RequestId')``), which no Catch matches. It answers as a
    failing AWS service does, ``InternalFailure`` with HTTP 500 in the service's protocol (AWS
    API references, "Common Errors"), with a message naming the action: the task fails with a
    catchable error and the workflow records the reason.
    Direction: toward AWS: a service error, as AWS reports a failure of a service, where the
    engine had none.
23. S3 event notifications carried no ``sequencer``, so two PUTs of the same bytes gave the
    same event and the starter took the second for a repeat of the first. Each PUT or DELETE
    now carries its own hexadecimal sequencer, greater than every earlier one (S3 User Guide,
    "Event message structure").
    Direction: toward AWS: the field S3 sends.
24. Step Functions sent no events, and moto's EventBridge could not target a state machine.
    A Standard execution that ends ``FAILED``, ``TIMED_OUT`` or ``ABORTED`` puts AWS's "Step
    Functions Execution Status Change" event (source ``aws.states``; ``detail`` as
    DescribeExecution answers, dates in epoch milliseconds; Step Functions Developer Guide,
    "EventBridge (CloudWatch Events) for Step Functions execution status changes") on its
    account's default event bus; Express executions send none, as on AWS. A rule's state
    machine target starts an execution with the event (or the target's ``Input``,
    ``InputPath`` or ``InputTransformer``) as its input. ``RUNNING`` and ``SUCCEEDED`` events
    are not sent.
    Direction: toward AWS: events and a target AWS has.
25. ``StartExecution`` of an Express state machine runs again under a name already used, each
    run with an ARN of its own (``...:express:<machine>:<name>:<id>``); moto deduplicated the
    name as for Standard. Follows the StartExecution API reference ("isn't idempotent for
    EXPRESS workflows") and the developer guide's "Execution guarantees"; it lets a test see a
    duplicate start that Standard hid.
    Direction: toward AWS (accepts what AWS accepts).
26. A conditional write (``PutItem``, ``UpdateItem``, ``DeleteItem`` with a condition, and
    ``TransactWriteItems``) read the item, checked the condition and wrote, with nothing keeping
    a second request from doing the same in between: moto's server handles requests on threads,
    so two writers both saw ``attribute_not_exists`` hold and both wrote. DynamoDB applies the
    condition to the item as the write finds it, so of two such writers one succeeds and the
    other gets ``ConditionalCheckFailedException`` (Amazon DynamoDB Developer Guide,
    "Condition expressions": conditional writes for items that several users modify). Writes
    now run one at a time; reads are left alone.
    Direction: toward AWS (refuses what AWS refuses).
27. ``AWS::ApiGateway::Stage`` was skipped by moto's CloudFormation, so a ``Ref`` to the stage
    resolved to nothing and ``Fn::Sub`` left ``${ApiStage}`` in the stack's ``ApiUrl`` output
    as it was. The stage is created in moto's API Gateway, and ``Ref`` (so ``${ApiStage}`` too)
    is its name: "AWS::ApiGateway::Stage" (CloudFormation Template Reference, Return values:
    ``Ref`` returns the stage's name) and "Fn::Sub" (a logical ID in ``${}`` gives what ``Ref``
    gives).
    Direction: toward AWS: the resource and the values CloudFormation gives.
28. A resource the engine could not create (a Rekognition collection that already exists, any
    service error) let moto's exception through, and CloudFormation answered HTTP 500 with an
    HTML page. As on CloudFormation, the resource ends ``CREATE_FAILED`` with the service's
    reason and the stack rolls back to ``ROLLBACK_COMPLETE``, deleting what it created, for
    ``CreateStack`` and a ``CREATE`` change set alike ("Stack status codes" and "Choose how to
    handle failures when provisioning resources", CloudFormation User Guide: by default a failed
    creation rolls back). A resource failing an update ends ``UPDATE_FAILED``; the engine cannot
    undo moto's partial update, so the stack ends ``UPDATE_ROLLBACK_FAILED`` rather than claim a
    rollback (listed above among the leniencies).
    Direction: toward AWS: a failed resource fails its stack, with the service's reason.

29. Every execution parsed each intrinsic function of its definition (``States.Format``,
    ``States.StringToJson``, ...) anew with ANTLR, as fix 10 found for the definition itself.
    The syntax tree of each function's text is kept (it is only read afterwards); each
    execution still builds its own function components from it.
    Direction: neutral (speed only).
30. Building an execution's components asks the kept syntax trees (fixes 10 and 29) for the
    text of their nodes again and again, and ANTLR joins it anew from every token below each
    time. A kept tree is only read, so the text of each of its nodes is remembered once
    joined; trees being parsed are left alone.
    Direction: neutral (speed only).
31. ``GetQueueAttributes`` with named attributes computed all of the queue's attributes,
    counting every message three times, three times for each name asked; moto's
    ``ReceiveMessage`` asks for the retention period once for every message it hands out, so a
    receive from a queue holding hundreds of messages cost thousands of counts. The attributes
    are computed once per request; the answer is the same.
    Direction: neutral (speed only).
32. Every ``UpdateItem`` parsed its ``UpdateExpression`` twice (once to check the names and
    values it uses, once to apply it), token by token. The parsed tree of each expression text
    is kept: moto only reads it and validates and applies a deep copy of it, so every request
    still works on its own copy.
    Direction: neutral (speed only).
33. ``AWS::Pipes::Pipe`` was skipped by moto's CloudFormation, though moto has a pipes backend:
    a stack's pipe was missing from ``ListPipes``, and a ``Ref`` or ``GetAtt`` to it resolved
    to nothing. The pipe is created in moto's pipes backend with the template's properties;
    ``Ref`` is its name and ``Arn`` its ARN ("AWS::Pipes::Pipe", CloudFormation Template
    Reference, Return values). The engine runs no pipe: nothing is read from its source.
    Direction: toward AWS: the resource CloudFormation creates, and the values it gives.
34. A Choice rule's ``StringMatches`` pattern was read as a shell glob (``fnmatch``): ``?`` matched
    any one character and ``[...]`` a set, and an escaped ``\\*`` matched nothing. The Amazon
    States Language gives ``*`` alone a meaning (any run of characters) and lets a backslash
    make an asterisk or a backslash stand for itself (Choice Rules, Amazon States Language
    specification; "Choice workflow state", Step Functions Developer Guide); the pattern is now
    read so.
    Direction: toward AWS, both ways: a ``?`` or ``[`` no longer matches more than on AWS, and
    an escaped asterisk matches an asterisk as on AWS.
35. A role CloudFormation made kept each inline policy (``Policies``) as a Python object, so
    GetRolePolicy answered its ``repr`` instead of the JSON document; and a stack update left
    the role's inline policies as they were. The documents are kept as JSON text, as
    PutRolePolicy takes them ("GetRolePolicy", IAM API Reference), and an update replaces the
    role's inline policies with the template's ("AWS::IAM::Role", CloudFormation Template
    Reference).
    Direction: toward AWS: what IAM answers, and what a stack update applies.

JSONata is not evaluated by moto; the workflows use JSONPath, so it is left alone.
"""

from __future__ import annotations

import threading

from engine.adapter.patching import require_pinned_moto

_installed = False
_lock = threading.Lock()


def install() -> None:
    """Apply every fix once, in the order listed; safe to call again."""
    global _installed
    with _lock:
        if _installed:
            return
        require_pinned_moto()
        # The fixes' modules import moto's internals as they load, so they load only now: another
        # moto is refused above with a clear message, not with an ImportError from deep inside.
        from engine.adapter import (
            awslambda,
            cloudformation,
            cloudformation_failures,
            core,
            dynamodb,
            events,
            iam,
            s3,
            speed,
            stepfunctions_executions,
            stepfunctions_language,
            stepfunctions_tasks,
        )

        stepfunctions_executions.run_mock_config_test_cases()
        stepfunctions_tasks.convert_step_functions_requests_and_responses()
        stepfunctions_tasks.name_sdk_errors_like_aws()
        stepfunctions_executions.generate_missing_execution_names()
        stepfunctions_language.scale_retry_waits()
        stepfunctions_language.select_single_values_on_definite_paths()
        stepfunctions_tasks.poll_children_promptly()
        stepfunctions_language.keep_states_errors_from_branches()
        speed.list_moto_modules_once()
        speed.parse_each_definition_once()
        speed.reuse_paths_and_clients()
        stepfunctions_executions.start_sync_executions()
        cloudformation.compute_outputs_of_change_sets()
        cloudformation.deploy_state_machines_that_run()
        cloudformation.complete_cloudformation_resources()
        awslambda.poll_sqs_event_sources_locally()
        cloudformation.refuse_json_nulls_in_templates()
        stepfunctions_language.leave_terminal_errors_uncaught()
        stepfunctions_tasks.keep_mocked_dynamodb_errors()
        stepfunctions_tasks.decode_blob_parameters()
        awslambda.invoke_functions_locally()
        core.answer_unimplemented_actions_as_service_errors()
        s3.sequence_s3_events()
        events.announce_execution_status_changes()
        stepfunctions_executions.run_express_executions_under_any_name()
        dynamodb.write_conditionally_as_one_step()
        cloudformation.create_api_gateway_stages()
        cloudformation_failures.fail_stacks_whose_resources_fail()
        speed.parse_each_intrinsic_function_once()
        speed.remember_the_text_of_kept_trees()
        speed.read_queue_attributes_once_per_request()
        speed.parse_each_update_expression_once()
        cloudformation.create_pipes()
        stepfunctions_language.match_strings_as_aws_does()
        iam.keep_role_policies_as_aws_does()
        _installed = True
